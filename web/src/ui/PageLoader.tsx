import { Center, Loader } from '@mantine/core';

/** A centred spinner with a spoken label, while a screen loads. */
export function PageLoader({ label }: { label: string }) {
  return (
    <Center py="xl" role="status" aria-label={label}>
      <Loader size="sm" aria-hidden />
    </Center>
  );
}
