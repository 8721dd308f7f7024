// Mantine's PostCSS preset (rem/em functions, light-dark, breakpoint mixins) and its breakpoint variables.
// (.mjs rather than .cjs: the root ESLint config lints .js/.mjs without type information; a .cjs file
// would need a tsconfig entry of its own.)
export default {
  plugins: {
    'postcss-preset-mantine': {},
    'postcss-simple-vars': {
      variables: {
        'mantine-breakpoint-xs': '36em',
        'mantine-breakpoint-sm': '48em',
        'mantine-breakpoint-md': '62em',
        'mantine-breakpoint-lg': '75em',
        'mantine-breakpoint-xl': '88em',
      },
    },
  },
};
