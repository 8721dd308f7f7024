import { createTheme, type CSSVariablesResolver } from '@mantine/core';

/**
 * Dense but calm, light, high contrast. Mantine's defaults adjusted: small radius and sizes, an indigo
 * primary at a shade dark enough for white text (WCAG AA), visible keyboard focus rings.
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  defaultRadius: 'sm',
  focusRing: 'auto',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: {
    fontWeight: '650',
    sizes: {
      h1: { fontSize: '1.375rem', lineHeight: '1.3' },
      h2: { fontSize: '1rem', lineHeight: '1.4' },
      h3: { fontSize: '0.9375rem', lineHeight: '1.4' },
    },
  },
  spacing: { xs: '0.5rem', sm: '0.75rem', md: '1rem', lg: '1.25rem', xl: '1.75rem' },
  components: {
    TextInput: { defaultProps: { size: 'sm' } },
    Select: { defaultProps: { size: 'sm' } },
    Button: { defaultProps: { size: 'sm' } },
    Table: { defaultProps: { verticalSpacing: 4, horizontalSpacing: 'xs', fz: 'sm' } },
    Paper: { defaultProps: { withBorder: true, radius: 'sm' } },
  },
});

/** Darker "dimmed" and placeholder text than Mantine's defaults, for 4.5:1 contrast on white. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-6)',
    '--mantine-color-body': '#f6f7f9',
    // The hovered active nav link: indigo-9 text needs a lighter background than Mantine's indigo-2.
    '--mantine-color-indigo-light-hover': 'var(--mantine-color-indigo-1)',
    // Light yellow alerts (time-out, recovery codes): Mantine's yellow-9 title is 2.7:1; a dark amber is 9:1.
    '--mantine-color-yellow-light-color': '#5c3c00',
  },
  dark: {},
});
