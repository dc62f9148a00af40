/** `--name=value` numbers of the long-running scripts (`npm run fuzz`, `npm run chaos`). */
export function numberOption(name: string, fallback: number): number {
  const given = process.argv.find((argument) => argument.startsWith(`--${name}=`));
  if (!given) return fallback;
  const value = Number(given.slice(name.length + 3));
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`--${name} must be a number\n`);
    process.exit(2);
  }
  return value;
}
