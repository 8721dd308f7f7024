import { Alert, Badge, Button, Group, Paper, Stack, Stepper, Text, Title } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ConsentForm } from './ConsentForm';
import { DemographicsForm } from './DemographicsForm';
import { InsuranceForm } from './InsuranceForm';
import { CONSENT_TYPES, type ConsentType } from './registrationApi';

/**
 * Registering a new patient at the desk, in three steps: demographics (with the duplicate check), insurance
 * with card images, and the consents signed on the screen. Insurance and consents can be skipped and done
 * at check-in; the chart opens at the end.
 */
export default function RegisterPatientPage() {
  const navigate = useNavigate();
  const [step, setStep] = useState(0);
  const [patient, setPatient] = useState<{ id: string; mrn: string } | undefined>();
  const [insured, setInsured] = useState(false);
  const [signed, setSigned] = useState<ConsentType[]>([]);

  const openChart = () => patient && void navigate(`/patients/${patient.id}`);

  return (
    <Stack gap="md" maw={1100}>
      <Group justify="space-between">
        <Title order={1}>New patient</Title>
        {patient && (
          <Badge size="lg" variant="light">
            MRN {patient.mrn}
          </Badge>
        )}
      </Group>
      <Stepper active={step} onStepClick={(s) => patient && s > 0 && setStep(s)} allowNextStepsSelect={false}>
        <Stepper.Step label="Patient" description="Demographics">
          <Paper withBorder p="md">
            <DemographicsForm
              onRegistered={(id, mrn) => {
                setPatient({ id, mrn });
                setStep(1);
              }}
            />
          </Paper>
        </Stepper.Step>
        <Stepper.Step label="Insurance" description="Coverage and card">
          {patient && (
            <Paper withBorder p="md">
              <Stack>
                <Alert color="green" variant="light" icon={<IconCheck size={18} aria-hidden />}>
                  Registered (MRN {patient.mrn}). Add the insurance now, or skip it.
                </Alert>
                {insured ? (
                  <Text role="status">Insurance saved.</Text>
                ) : (
                  <InsuranceForm patientId={patient.id} onSaved={() => setInsured(true)} />
                )}
                <Group justify="flex-end">
                  <Button variant={insured ? 'filled' : 'default'} onClick={() => setStep(2)}>
                    {insured ? 'Next: consents' : 'Skip insurance'}
                  </Button>
                </Group>
              </Stack>
            </Paper>
          )}
        </Stepper.Step>
        <Stepper.Step label="Consents" description="Signed on the screen">
          {patient && (
            <Stack>
              {CONSENT_TYPES.map((c) => (
                <Paper withBorder p="md" key={c.code}>
                  <Title order={2} size="h4" mb="xs">
                    {c.label}
                  </Title>
                  {signed.includes(c.code) ? (
                    <Text role="status">
                      <IconCheck size={16} aria-hidden /> Signed
                    </Text>
                  ) : (
                    <ConsentForm
                      patientId={patient.id}
                      type={c.code}
                      label={c.label}
                      onSaved={() => setSigned((old) => [...old, c.code])}
                    />
                  )}
                </Paper>
              ))}
              <Group justify="flex-end">
                <Button onClick={openChart}>Open the chart</Button>
              </Group>
            </Stack>
          )}
        </Stepper.Step>
      </Stepper>
    </Stack>
  );
}
