import { Title } from '@mantine/core';

/** Placeholder while this screen is built (issue 5). */
export default function Page() {
  return <Title order={1}>New patient</Title>;
}
