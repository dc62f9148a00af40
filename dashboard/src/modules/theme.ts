/**
 * Night (dark) is the default: the wall runs through the night in a dim duty room, and a dark
 * page keeps the red of an alert the brightest thing on screen.
 */
import { ref } from 'vue';

export type Theme = 'dark' | 'light';
const storageKey = 'junxiu.theme';

export const theme = ref<Theme>(localStorage.getItem(storageKey) === 'light' ? 'light' : 'dark');

function apply(value: Theme): void {
  document.documentElement.classList.toggle('dark', value === 'dark');
}

export function setTheme(value: Theme): void {
  theme.value = value;
  localStorage.setItem(storageKey, value);
  apply(value);
}

apply(theme.value);
