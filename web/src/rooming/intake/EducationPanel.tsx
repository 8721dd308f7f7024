import {
  Anchor,
  Badge,
  Button,
  Group,
  List,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useCallback, useState } from 'react';
import { useClinicTimeZone } from '../../app/SiteContext';
import { FormErrors } from '../../ui/FormErrors';
import { useAction } from '../../ui/useAction';
import { PanelState } from '../review/PanelState';
import type { RoomingPanelProps } from '../types';
import { recordGiven, useEducation } from './intakeApi';
import { formatDateTime, handoutPdfUrl, type HandoutLanguage } from './intakeModel';

/**
 * Education handouts (English / Spanish): suggested from the patient's problems first; "Print" opens the
 * PDF and records the handout as given at this visit. MedlinePlus Connect links per problem.
 */
export function EducationPanel({ visit, onSaved }: RoomingPanelProps) {
  const [chosen, setChosen] = useState<HandoutLanguage | undefined>(undefined);
  const query = useEducation(visit.patient.id, chosen);
  const language: HandoutLanguage = chosen ?? query.data?.preferredLanguage ?? 'en';
  const timeZone = useClinicTimeZone();
  const give = useAction(
    useCallback(
      (handoutId: string, lang: HandoutLanguage) => recordGiven(visit.encounterId, handoutId, lang),
      [visit.encounterId]
    )
  );
  const print = (handoutId: string) => {
    // Opened in the click itself, so the browser does not treat it as a pop-up.
    window.open(handoutPdfUrl(handoutId, language, visit.siteId), '_blank', 'noopener');
    void give.run(handoutId, language).then((r) => {
      if (r.ok) {
        void query.refetch();
        onSaved?.();
      }
    });
  };

  return (
    <Stack gap="xs" component="section" aria-label="Patient education">
      <Group justify="space-between">
        <Title order={3} size="h5">
          Patient education
        </Title>
        <SegmentedControl
          size="xs"
          aria-label="Handout language"
          value={language}
          onChange={(value) => setChosen(value)}
          data={[
            { value: 'en', label: 'EN' },
            { value: 'es', label: 'ES' },
          ]}
        />
      </Group>
      <FormErrors error={give.error} fields={[]} />
      <PanelState query={query} label="handouts">
        {(data) => (
          <Stack gap="xs">
            <Table striped withRowBorders={false} verticalSpacing={4} aria-label="Handouts">
              <Table.Tbody>
                {data.library.map((h) => (
                  <Table.Tr key={h.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {h.title}
                        {data.suggested.includes(h.id) && (
                          <Badge ml={6} size="xs" variant="light">
                            Suggested
                          </Badge>
                        )}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {h.summary}
                      </Text>
                    </Table.Td>
                    <Table.Td w={90}>
                      <Button
                        size="compact-xs"
                        variant="light"
                        aria-label={`Print ${h.title}`}
                        loading={give.pending}
                        onClick={() => print(h.id)}
                      >
                        Print
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {data.problems.length > 0 && (
              <Stack gap={2}>
                <Text size="xs" fw={600}>
                  MedlinePlus
                </Text>
                <List size="sm" spacing={2} listStyleType="none" aria-label="MedlinePlus links">
                  {data.problems.map((p) => {
                    const href = p.medlinePlus[language] ?? p.medlinePlus.en;
                    return (
                      <List.Item key={`${p.display}-${p.codes[0]?.code ?? ''}`}>
                        {href ? (
                          <Anchor href={href} target="_blank" rel="noopener noreferrer" size="sm">
                            {p.display} (MedlinePlus)
                          </Anchor>
                        ) : (
                          <Text size="sm">{p.display}</Text>
                        )}
                      </List.Item>
                    );
                  })}
                </List>
              </Stack>
            )}
            <Stack gap={2}>
              <Text size="xs" fw={600}>
                Given
              </Text>
              {data.given.length === 0 ? (
                <Text size="xs" c="dimmed">
                  No handouts given yet.
                </Text>
              ) : (
                <List size="xs" spacing={2} listStyleType="none" aria-label="Handouts given">
                  {data.given.map((g) => (
                    <List.Item key={g.id}>
                      {g.title} ({g.language.toUpperCase()}), {formatDateTime(g.givenAt, timeZone)}
                      {g.givenBy ? ` by ${g.givenBy}` : ''}
                    </List.Item>
                  ))}
                </List>
              )}
            </Stack>
          </Stack>
        )}
      </PanelState>
    </Stack>
  );
}
