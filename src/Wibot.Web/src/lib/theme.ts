// Mantine theme of WIBOT: system fonts only (the CSP allows no external font), the brand blue.
import { createTheme, type MantineColorsTuple } from '@mantine/core';

const wibotBlue: MantineColorsTuple = [
  '#e8efff',
  '#d0ddfd',
  '#a1b9f6',
  '#6f93f0',
  '#4673ea',
  '#2c5ee7',
  '#1d4ed8',
  '#1343c2',
  '#0a3aad',
  '#003199',
];

export const theme = createTheme({
  primaryColor: 'wibot',
  colors: { wibot: wibotBlue },
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  fontFamilyMonospace: "ui-monospace, 'Cascadia Code', 'Fira Code', Consolas, monospace",
  defaultRadius: 'md',
  headings: { fontWeight: '700' },
});
