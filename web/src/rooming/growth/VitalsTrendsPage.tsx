import { useParams } from 'react-router';
import { TrendsPanel } from './TrendsPanel';

/** A patient's vitals history and growth charts (/patients/:id/vitals). PLACEHOLDER until the growth part lands. */
export default function VitalsTrendsPage() {
  const { id } = useParams();
  return (
    <TrendsPanel
      visit={{
        encounterId: '',
        patient: { id: id ?? '', name: '' },
        visitType: { code: '', display: '' },
        flowStatus: '',
      }}
    />
  );
}
