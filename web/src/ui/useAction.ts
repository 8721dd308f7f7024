import { useCallback, useState } from 'react';

/**
 * A one-off request started by a button (sign-in, save, unlock) with its pending flag and error.
 * Not TanStack's useMutation on purpose where passwords and codes are involved: the mutation cache would
 * keep the variables (a password) in memory after the request; here they live only in the call.
 */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(
    async (...args: A): Promise<{ ok: true; value: R } | { ok: false; error: unknown }> => {
      setPending(true);
      setError(undefined);
      try {
        return { ok: true, value: await action(...args) };
      } catch (caught) {
        setError(caught);
        return { ok: false, error: caught };
      } finally {
        setPending(false);
      }
    },
    [action]
  );
  const reset = useCallback(() => setError(undefined), []);
  return { run, pending, error, reset };
}
