/**
 * The axes of the hub's charts (ECharts draws on a canvas, out of reach of styles.css) in the theme
 * on screen: names and labels in the muted text colour (--hub-muted) and faint split lines, so every
 * chart reads the same in the dark and the light theme.
 */
import { computed } from 'vue';
import { theme } from '../modules/theme.ts';

/** The axes' text and split-line colours in the theme on screen. */
export const axisColours = computed(() =>
  theme.value === 'dark' ? { text: '#8795a4', split: '#27313c' } : { text: '#66727f', split: '#e6e9ed' },
);

/** The value axis of a chart, named for what it counts (its unit); `range` bounds it (min, max). */
export function valueAxis<R extends object>(name: string, range: R) {
  const { text, split } = axisColours.value;
  return {
    type: 'value' as const,
    name,
    ...range,
    nameTextStyle: { color: text },
    axisLabel: { color: text },
    splitLine: { lineStyle: { color: split } },
  };
}
