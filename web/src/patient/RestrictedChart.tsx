import { Alert, Button, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { requestEmergencyAccess, type EmergencyGrant } from '../auth/authApi';
import { FieldError, fieldErrorMessage } from '../ui/FieldError';
import { useAction } from '../ui/useAction';
import { EMERGENCY_REASON_MIN, emergencyReasonProblem } from './emergencyAccess';

/**
 * A restricted chart (confidentiality R or V) the user may open in an emergency (ONC 170.315(d)(6)
 * emergency access): the server answered the read 403 "suppressed". The reason is required; the grant is
 * recorded, reported to the privacy officer, and lasts a limited time.
 */
export function RestrictedChart({
  patientId,
  onGranted,
}: {
  patientId: string;
  onGranted: (grant: EmergencyGrant) => void;
}) {
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const action = useAction(requestEmergencyAccess);
  const problem = emergencyReasonProblem(reason);
  const shownProblem = touched ? problem : undefined;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (problem) return;
    const result = await action.run(patientId, reason.trim());
    if (result.ok) onGranted(result.value);
  }

  const serverReasonError = fieldErrorMessage(action.error, 'reason');
  return (
    <Paper p="md" component="section" aria-labelledby="restricted-heading" maw={720}>
      <Stack gap="sm">
        <Title order={1} id="restricted-heading">
          <IconLock size={20} aria-hidden style={{ verticalAlign: '-3px', marginRight: 6 }} />
          This chart is restricted
        </Title>
        <Text size="sm">
          The practice has marked this patient’s chart as restricted. Open it only when the patient’s care
          needs it now. The access is recorded with your reason, the privacy officer is told, and it ends by
          itself after a while.
        </Text>
        <form onSubmit={(event) => void onSubmit(event)} noValidate aria-label="Emergency access">
          <Stack gap="sm">
            <Textarea
              label="Reason"
              description={`Why you need this chart now (at least ${EMERGENCY_REASON_MIN} characters).`}
              required
              autosize
              minRows={2}
              maxRows={6}
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
              onBlur={() => setTouched(true)}
              error={shownProblem ?? serverReasonError}
            />
            {action.error !== undefined && !serverReasonError && (
              <Alert color="red" variant="light" role="alert">
                <FieldError error={action.error} expression="patientId" />
                {fieldErrorMessage(action.error, 'patientId') ? null : (
                  <Text size="sm">{describe(action.error)}</Text>
                )}
              </Alert>
            )}
            <Button type="submit" color="red" loading={action.pending} style={{ alignSelf: 'flex-start' }}>
              Open with emergency access
            </Button>
          </Stack>
        </form>
      </Stack>
    </Paper>
  );
}

function describe(error: unknown): string {
  return error instanceof Error
    ? `Emergency access was not granted: ${error.message}`
    : 'Emergency access was not granted.';
}
