import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useAuth } from './authContext';
import { announceAt, idleCountdown } from './idle';
import { atAbsoluteLimit, idleDeadlineMs, subscribeSession } from './sessionStore';

const TICK_MS = 1000;

/**
 * The idle time-out warning: a minute before the session's idle limit, "You will be signed out in N s" with
 * "Stay signed in" and "Sign out"; at zero, the time-out itself (the screen is cleared without waiting for a
 * request to fail). Rendered once, behind the sign-in gate.
 */
export function IdleWarning() {
  const auth = useAuth();
  const deadline = useSyncExternalStore(subscribeSession, idleDeadlineMs);
  const absolute = useSyncExternalStore(subscribeSession, atAbsoluteLimit);
  const now = useNow();
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const countdown = deadline === undefined ? undefined : idleCountdown(now, deadline);
  const expired = countdown?.phase === 'expired';
  const { timeOut } = auth;

  useEffect(() => {
    if (expired) timeOut();
  }, [expired, timeOut]);

  useEffect(() => {
    if (countdown?.phase !== 'warning') setFailed(false);
  }, [countdown?.phase]);

  if (!countdown || countdown.phase !== 'warning') return null;
  const seconds = countdown.secondsLeft;

  async function stay() {
    setBusy(true);
    try {
      await auth.staySignedIn();
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      opened
      onClose={() => void stay()}
      title="Are you still there?"
      centered
      withCloseButton={false}
      closeOnClickOutside={false}
      trapFocus
    >
      <Stack gap="sm">
        <Text size="sm" aria-hidden>
          You will be signed out in <strong>{seconds} s</strong>.
        </Text>
        {/* Screen readers hear the countdown at a few moments, not every second. */}
        <Text className="visually-hidden" role="status" aria-live="polite">
          {announceAt(seconds) ? `You will be signed out in ${seconds} seconds.` : ''}
        </Text>
        <Text size="sm" c="dimmed">
          {absolute
            ? 'Your session has reached its 12-hour limit: sign in again to go on.'
            : 'For patients’ privacy, medassist signs you out after a while without activity.'}
        </Text>
        {failed && (
          <Text size="sm" c="red.9" role="alert">
            Could not reach the server to keep you signed in. Try again.
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={auth.signOut}>
            Sign out
          </Button>
          {!absolute && (
            <Button onClick={() => void stay()} loading={busy} data-autofocus>
              Stay signed in
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

/** The current time, updated every second and when the tab comes back to the front. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const tick = () => setNow(Date.now());
    const timer = window.setInterval(tick, TICK_MS);
    document.addEventListener('visibilitychange', tick);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, []);
  return now;
}
