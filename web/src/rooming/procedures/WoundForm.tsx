import {
  Button,
  CloseButton,
  FileButton,
  Group,
  Image,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconCamera } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePractice } from '../../fhir/queries';
import { fieldErrorMessage } from '../../ui/FieldError';
import { FormErrors } from '../../ui/FormErrors';
import { useAction } from '../../ui/useAction';
import type { RoomingVisitView } from '../types';
import { shrinkPhoto, type PickedPhoto } from './shrinkPhoto';
import { areaOf, codedOf, MAX_PHOTOS, parseMm, photoProblem } from './procedureModel';
import {
  saveWound,
  useProcedureCatalog,
  useWoundSeries,
  woundsKey,
  type WoundRequest,
} from './proceduresApi';
import { useClinicTimeZone } from '../../app/SiteContext';
import { formatDateTime } from '../../patient/display';

const FIELDS = [
  'woundId',
  'bodySite',
  'bodySite.code',
  'bodySite.text',
  'bodySite.laterality',
  'lengthMm',
  'widthMm',
  'depthMm',
  'description.appearance',
  'description.drainage',
  'description.edges',
  'photos',
  'photos[0]',
  'photos[1]',
  'photos[2]',
];

/** One wound measurement: a new wound (body site) or a wound followed from an earlier visit, size, description, photos. */
export function WoundForm({ visit, onSaved }: { visit: RoomingVisitView; onSaved?: () => void }) {
  const timeZone = useClinicTimeZone();
  const practice = usePractice();
  const queryClient = useQueryClient();
  const catalog = useProcedureCatalog();
  const series = useWoundSeries(visit.patient.id);
  const [woundId, setWoundId] = useState<string | null>(null);
  const [site, setSite] = useState<string | null>(null);
  const [siteText, setSiteText] = useState('');
  const [laterality, setLaterality] = useState<string | null>(null);
  const [length, setLength] = useState('');
  const [width, setWidth] = useState('');
  const [depth, setDepth] = useState('');
  const [appearance, setAppearance] = useState('');
  const [drainage, setDrainage] = useState('');
  const [edges, setEdges] = useState('');
  const [photos, setPhotos] = useState<PickedPhoto[]>([]);
  const [photoError, setPhotoError] = useState<string | undefined>();
  const action = useAction((body: WoundRequest) => saveWound(visit.encounterId, body));
  const e = (field: string) => fieldErrorMessage(action.error, field);

  const l = parseMm(length);
  const w = parseMm(width);
  const area =
    l !== undefined && w !== undefined && !Number.isNaN(l) && !Number.isNaN(w) ? areaOf(l, w) : undefined;

  async function addPhotos(files: File[]) {
    setPhotoError(undefined);
    const room = MAX_PHOTOS - photos.length;
    const problems = files.map(photoProblem).filter(Boolean);
    if (problems.length) setPhotoError(problems.join('; '));
    const ok = files.filter((f) => !photoProblem(f)).slice(0, room);
    if (files.length - problems.length > room) setPhotoError(`At most ${MAX_PHOTOS} photos a measurement`);
    try {
      const read = await Promise.all(ok.map(shrinkPhoto));
      setPhotos((list) => [...list, ...read]);
    } catch (err) {
      setPhotoError(err instanceof Error ? err.message : 'The photo could not be read');
    }
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const bodySite = woundId
      ? undefined
      : { ...codedOf(site, siteText), ...(laterality ? { laterality } : {}) };
    const depthMm = parseMm(depth);
    const result = await action.run({
      ...(woundId ? { woundId } : {}),
      ...(bodySite ? { bodySite } : {}),
      // Sent as typed when not a number: the server names the field.
      lengthMm: (l ?? length) as number,
      widthMm: (w ?? width) as number,
      ...(depthMm !== undefined
        ? { depthMm: Number.isNaN(depthMm) ? (depth as unknown as number) : depthMm }
        : {}),
      description: {
        ...(appearance.trim() ? { appearance: appearance.trim() } : {}),
        ...(drainage.trim() ? { drainage: drainage.trim() } : {}),
        ...(edges.trim() ? { edges: edges.trim() } : {}),
      },
      photos: photos.map((p) => ({ contentType: p.contentType, data: p.data })),
    });
    if (result.ok) {
      setLength('');
      setWidth('');
      setDepth('');
      setAppearance('');
      setDrainage('');
      setEdges('');
      setPhotos([]);
      setWoundId(null);
      await queryClient.invalidateQueries({ queryKey: woundsKey(practice, visit.patient.id) });
      onSaved?.();
    }
  }

  const known = series.data ?? [];
  return (
    <form aria-label="Wound documentation" noValidate onSubmit={(ev) => void onSubmit(ev)}>
      <Stack gap="sm">
        <Title order={3} size="h5">
          Wound or lesion
        </Title>
        <FormErrors error={action.error} fields={FIELDS} />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select
            label="Wound"
            data={[
              { value: 'new', label: 'New wound' },
              ...known.map((s) => ({
                value: s.woundId,
                label: `${s.bodySite || 'Wound'} (since ${formatDateTime(s.firstRecorded, false, timeZone)})`,
              })),
            ]}
            value={woundId ?? 'new'}
            onChange={(v) => setWoundId(v && v !== 'new' ? v : null)}
            allowDeselect={false}
            error={e('woundId')}
          />
          {!woundId && (
            <>
              <Select
                label="Body site"
                data={[
                  ...(catalog.data?.bodySites ?? []).map((s) => ({ value: s.code, label: s.display })),
                  { value: 'other', label: 'Other (type it)' },
                ]}
                value={site}
                onChange={setSite}
                searchable
                required
                error={e('bodySite') ?? e('bodySite.code')}
              />
              <Select
                label="Side"
                data={(catalog.data?.lateralities ?? []).map((x) => ({
                  value: x,
                  label: x[0].toUpperCase() + x.slice(1),
                }))}
                value={laterality}
                onChange={setLaterality}
                clearable
                error={e('bodySite.laterality')}
              />
            </>
          )}
        </SimpleGrid>
        {!woundId && site === 'other' && (
          <TextInput
            label="Body site (other)"
            value={siteText}
            onChange={(ev) => setSiteText(ev.currentTarget.value)}
            required
            error={e('bodySite.text')}
          />
        )}
        <Group align="flex-end" gap="sm">
          <TextInput
            w={130}
            label="Length (mm)"
            inputMode="decimal"
            required
            value={length}
            onChange={(ev) => setLength(ev.currentTarget.value)}
            error={e('lengthMm') ?? (Number.isNaN(l) ? 'Not a number' : undefined)}
          />
          <TextInput
            w={130}
            label="Width (mm)"
            inputMode="decimal"
            required
            value={width}
            onChange={(ev) => setWidth(ev.currentTarget.value)}
            error={e('widthMm') ?? (Number.isNaN(w) ? 'Not a number' : undefined)}
          />
          <TextInput
            w={130}
            label="Depth (mm)"
            inputMode="decimal"
            value={depth}
            onChange={(ev) => setDepth(ev.currentTarget.value)}
            error={e('depthMm')}
          />
          <Text size="sm" pb={8} aria-live="polite">
            {area !== undefined ? `Area ${area} mm²` : ''}
          </Text>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Textarea
            label="Appearance"
            autosize
            minRows={1}
            value={appearance}
            onChange={(ev) => setAppearance(ev.currentTarget.value)}
            error={e('description.appearance')}
          />
          <Textarea
            label="Drainage"
            autosize
            minRows={1}
            value={drainage}
            onChange={(ev) => setDrainage(ev.currentTarget.value)}
            error={e('description.drainage')}
          />
          <Textarea
            label="Edges"
            autosize
            minRows={1}
            value={edges}
            onChange={(ev) => setEdges(ev.currentTarget.value)}
            error={e('description.edges')}
          />
        </SimpleGrid>
        <Group gap="sm" align="flex-start">
          <FileButton onChange={(files) => void addPhotos(files)} accept="image/jpeg,image/png" multiple>
            {(props) => (
              <Button
                {...props}
                variant="light"
                leftSection={<IconCamera size={16} aria-hidden />}
                disabled={photos.length >= MAX_PHOTOS}
              >
                Add photo
              </Button>
            )}
          </FileButton>
          {photos.map((p, i) => (
            <Stack key={`${p.name}-${i}`} gap={2} align="center">
              <Image
                src={p.preview}
                alt={`Photo to upload ${i + 1}: ${p.name}`}
                w={96}
                h={72}
                fit="cover"
                radius="sm"
              />
              <CloseButton
                size="sm"
                aria-label={`Remove photo ${i + 1}`}
                onClick={() => setPhotos((list) => list.filter((_, j) => j !== i))}
              />
            </Stack>
          ))}
        </Group>
        {(photoError ?? e('photos') ?? e('photos[0]') ?? e('photos[1]') ?? e('photos[2]')) && (
          <Text role="alert" c="red.9" size="sm">
            {photoError ?? e('photos') ?? e('photos[0]') ?? e('photos[1]') ?? e('photos[2]')}
          </Text>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={action.pending}>
            Save wound
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
