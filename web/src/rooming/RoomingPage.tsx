import { Alert, Anchor, Box, Button, Grid, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconSignature, IconUserCheck } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState, type ComponentType } from 'react';
import { Link, useParams } from 'react-router';
import { useSession } from '../auth/authContext';
import { isForbidden } from '../fhir/FhirError';
import { FhirError } from '../fhir/FhirError';
import { keys, usePractice } from '../fhir/queries';
import { useFlowStream } from '../flow/useFlowStream';
import { FormErrors } from '../ui/FormErrors';
import { Tag } from '../ui/Tag';
import { TrendsPanel } from './growth/TrendsPanel';
import { CareGapsPanel } from './intake/CareGapsPanel';
import { EducationPanel } from './intake/EducationPanel';
import { IntakePanel } from './intake/IntakePanel';
import { ConsentPanel } from './procedures/ConsentPanel';
import { ProcedurePanel } from './procedures/ProcedurePanel';
import { useVisitConsents } from './procedures/proceduresApi';
import { AllergiesPanel } from './review/AllergiesPanel';
import { MedicationsPanel } from './review/MedicationsPanel';
import { ProblemsPanel } from './review/ProblemsPanel';
import { ScreeningsPanel } from './screenings/ScreeningsPanel';
import { ChecklistCard } from './screen/ChecklistCard';
import { NoticesCard } from './screen/NoticesCard';
import { OtherNotices } from './screen/OtherNotices';
import { ReadyDialog } from './screen/ReadyDialog';
import {
  acknowledgeNotice,
  markReady,
  myNoticesKey,
  roomingScreenKey,
  setChecked,
  useMyNotices,
  useRoomingScreen,
  type NoticeView,
} from './screen/roomingApi';
import {
  flowStatusWords,
  formatBirthDate,
  openItems,
  SECTION_TITLES,
  sectionAnchor,
  sectionsFor,
  sexWords,
  type ScreenChecklistItem,
  type SectionId,
} from './screen/screenModel';
import type { RoomingPanelProps, RoomingVisitView } from './types';
import { VitalsPanel } from './vitals/VitalsPanel';

/** The panel of each section (each owned by its part; same props). */
const PANELS: Record<SectionId, ComponentType<RoomingPanelProps>> = {
  vitals: VitalsPanel,
  allergies: AllergiesPanel,
  medications: MedicationsPanel,
  problems: ProblemsPanel,
  screenings: ScreeningsPanel,
  intake: IntakePanel,
  consent: ConsentPanel,
  procedure: ProcedurePanel,
  education: EducationPanel,
  'care-gaps': CareGapsPanel,
  trends: TrendsPanel,
};

function VisitHeader({ visit }: { visit: RoomingVisitView }) {
  const sex = sexWords(visit.patient.gender);
  return (
    <Paper p="sm" withBorder>
      <Stack gap={4}>
        <Group gap="md" align="baseline" wrap="wrap">
          <Title order={1} size="h2">
            {visit.patient.name}
          </Title>
          <Text size="md" data-testid="rooming-dob">
            DOB {formatBirthDate(visit.patient.birthDate)}
            {visit.patient.age ? ` (${visit.patient.age})` : ''}
            {sex ? ` · ${sex}` : ''}
          </Text>
          <Tag tone={visit.flowStatus === 'roomed' ? 'info' : 'neutral'} testId="rooming-flow-status">
            {flowStatusWords(visit.flowStatus)}
          </Tag>
        </Group>
        <Group gap="lg" wrap="wrap">
          <Text size="sm">
            <Text span c="dimmed" size="sm">
              Visit:{' '}
            </Text>
            {visit.visitType.display}
          </Text>
          <Text size="sm">
            <Text span c="dimmed" size="sm">
              Room:{' '}
            </Text>
            {visit.room?.name ?? 'none'}
          </Text>
          <Text size="sm">
            <Text span c="dimmed" size="sm">
              Provider:{' '}
            </Text>
            {visit.provider?.name ?? 'none'}
          </Text>
          <Anchor component={Link} to={`/patients/${encodeURIComponent(visit.patient.id)}`} size="sm">
            Open chart
          </Anchor>
        </Group>
      </Stack>
    </Paper>
  );
}

/**
 * The rooming screen of one visit (/rooming/:encounterId): who (name, date of birth and age: two
 * identifiers), the visit, the checklist (left, sticky, refreshed after each panel's save), the panels of
 * the other parts in checklist order, the visit's notices to the provider (a provider acknowledges them),
 * and "Ready for provider" (a reason is asked when items are open). Live: the site's flow stream triggers a
 * re-read.
 */
export default function RoomingPage() {
  const { encounterId = '' } = useParams();
  const session = useSession();
  const isProvider = session.user.roles.includes('provider');
  const practice = usePractice();
  const queryClient = useQueryClient();
  const screen = useRoomingScreen(encounterId);
  // A provider linked to a Practitioner also sees their open notices about other visits.
  const mine = useMyNotices(isProvider && session.user.practitionerId !== undefined);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [confirming, setConfirming] = useState(false);
  const [sent, setSent] = useState(false);
  // A procedure at a visit of another type (a biopsy at a follow-up): the consent section opens on request,
  // and stays once the visit has a consent on record.
  const [consentWanted, setConsentWanted] = useState(false);
  const consents = useVisitConsents(encounterId);

  const patientId = screen.data?.visit.patient.id;
  // The site's flow stream says when a visit there changed (a move, a notice sent or acknowledged): the
  // checklist and the notices are read again, so a notice sent from another screen shows at once. Only these:
  // every change at the site must not reload this patient's whole chart.
  const refreshScreen = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: roomingScreenKey(practice, encounterId) });
    void queryClient.invalidateQueries({ queryKey: myNoticesKey(practice) });
  }, [queryClient, practice, encounterId]);
  useFlowStream(screen.data?.visit.siteId, refreshScreen);
  // A save in one panel can change what another shows (a PHQ-2 closes a care gap, vitals add a trend point):
  // after a save the care gaps and the patient's data are read again too.
  const refresh = useCallback(() => {
    refreshScreen();
    void queryClient.invalidateQueries({ queryKey: [...keys.practice(practice), 'care-gaps'] });
    if (patientId) void queryClient.invalidateQueries({ queryKey: keys.patient(practice, patientId) });
  }, [refreshScreen, queryClient, practice, patientId]);

  const act = async (key: string, request: () => Promise<unknown>): Promise<boolean> => {
    setBusy(key);
    setError(undefined);
    try {
      await request();
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setBusy(undefined);
      refresh();
    }
  };

  if (screen.isPending) {
    return (
      <Stack gap="sm" role="status" aria-label="Loading the rooming screen">
        <Skeleton height={60} />
        <Skeleton height={300} />
      </Stack>
    );
  }
  if (screen.isError) {
    const notFound = screen.error instanceof FhirError && screen.error.status === 404;
    return (
      <Alert color="red" role="alert" title="The rooming screen cannot be shown">
        {isForbidden(screen.error)
          ? 'Your role does not see clinical data.'
          : notFound
            ? 'This visit was not found, or its chart is not open to you.'
            : screen.error.message}
      </Alert>
    );
  }
  const { visit, checklist, notices } = screen.data;
  const open = openItems(checklist);
  const sections = sectionsFor(visit.visitType.code, checklist, {
    consent: consentWanted || (consents.data?.length ?? 0) > 0,
  });
  const canReady = visit.flowStatus === 'roomed';

  const onTick = (item: ScreenChecklistItem, checked: boolean) =>
    void act(`tick:${item.id}`, () => setChecked(encounterId, item.id, checked));
  const onAcknowledge = (notice: NoticeView) => void act(notice.id, () => acknowledgeNotice(notice.id));
  const otherNotices = (mine.data?.notices ?? []).filter((n) => n.encounterId !== encounterId);
  const ready = (reason?: string) =>
    void act('ready', () => markReady(encounterId, reason)).then((ok) => {
      if (ok) {
        setConfirming(false);
        setSent(true);
      }
    });

  return (
    <Stack gap="sm" maw={1500}>
      <Group gap="xs">
        <Anchor component={Link} to="/flow" size="sm">
          <Group gap={4} component="span">
            <IconArrowLeft size={14} aria-hidden />
            Flow board
          </Group>
        </Anchor>
      </Group>
      <VisitHeader visit={visit} />
      {!confirming && <FormErrors error={error} fields={[]} />}
      {sent && visit.flowStatus === 'ready-for-provider' && (
        <Alert color="green" role="status" title="Ready for provider">
          The provider has been told.
        </Alert>
      )}
      <Grid gap="sm">
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Stack gap="sm">
            <ChecklistCard
              items={checklist}
              busyItem={busy?.startsWith('tick:') ? busy.slice(5) : undefined}
              onTick={onTick}
            />
            <Button
              leftSection={<IconUserCheck size={16} aria-hidden />}
              disabled={!canReady}
              loading={busy === 'ready'}
              onClick={() => (open.length > 0 ? setConfirming(true) : ready())}
            >
              Ready for provider
            </Button>
            {!canReady && (
              <Text size="xs" c="dimmed">
                The visit is {flowStatusWords(visit.flowStatus).toLowerCase()}: only a roomed patient is
                handed over.
              </Text>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          <Stack gap="sm">
            <NoticesCard
              notices={notices}
              canAcknowledge={isProvider}
              busy={busy}
              onAcknowledge={onAcknowledge}
            />
            <OtherNotices notices={otherNotices} />
            {sections.map((section) => {
              const Panel = PANELS[section];
              return (
                <Paper
                  key={section}
                  p="sm"
                  withBorder
                  component="section"
                  id={sectionAnchor(section)}
                  aria-labelledby={`${sectionAnchor(section)}-title`}
                  style={{ scrollMarginTop: 16 }}
                >
                  <Group justify="space-between" align="baseline" mb="xs">
                    <Title order={2} size="h4" id={`${sectionAnchor(section)}-title`}>
                      {SECTION_TITLES[section]}
                    </Title>
                    {section === 'procedure' && !sections.includes('consent') && (
                      <Button
                        variant="subtle"
                        size="compact-sm"
                        leftSection={<IconSignature size={14} aria-hidden />}
                        onClick={() => {
                          setConsentWanted(true);
                          // The consent section appears above this one: take the MA there.
                          requestAnimationFrame(() =>
                            document.getElementById(sectionAnchor('consent'))?.scrollIntoView()
                          );
                        }}
                      >
                        Record a procedure consent
                      </Button>
                    )}
                  </Group>
                  <Box>
                    <Panel visit={visit} onSaved={refresh} checklistItems={checklist.map((i) => i.id)} />
                  </Box>
                </Paper>
              );
            })}
          </Stack>
        </Grid.Col>
      </Grid>
      <ReadyDialog
        open={confirming}
        openItems={open}
        pending={busy === 'ready'}
        error={error}
        onClose={() => {
          setConfirming(false);
          setError(undefined);
        }}
        onConfirm={(reason) => ready(reason)}
      />
    </Stack>
  );
}
