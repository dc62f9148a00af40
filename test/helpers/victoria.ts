/**
 * Starts Debian's VictoriaMetrics (`/usr/bin/victoria-metrics`) for a test suite: HTTP on a free
 * 127.0.0.1 port (its only listener unless others are asked for), data in a fresh temp folder.
 * It accepts InfluxDB line protocol on `/api/v2/write` and shows what it stored through
 * `/api/v1/export`, where field `hr` of measurement `readings` is the metric `readings_hr`.
 */
import { join } from 'node:path';
import { answers, freePort, makeTempDir, serverBinary, startServerProcess } from './tmp.ts';

const binaryPath = '/usr/bin/victoria-metrics';

/** The victoria-metrics binary, or null when missing (which throws instead under `CI=true`). */
export function victoriaBinary(): string | null {
  return serverBinary(binaryPath, 'VictoriaMetrics (victoria-metrics)');
}

export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export interface Victoria {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /**
   * The series matching a selector, e.g. `{__name__=~"readings_.*"}`, read with VictoriaMetrics'
   * own export API after making freshly written rows searchable.
   */
  exportSeries(selector: string): Promise<ExportedSeries[]>;
  stop(): Promise<void>;
}

/** Starts victoria-metrics, or returns null when it is not installed (outside CI). */
export async function startVictoria(): Promise<Victoria | null> {
  const binary = victoriaBinary();
  if (!binary) return null;
  const dir = await makeTempDir('junxiu-victoria-');
  const url = `http://127.0.0.1:${await freePort()}`;
  const args = [
    `-httpListenAddr=${url.slice('http://'.length)}`,
    `-storageDataPath=${join(dir.path, 'data')}`,
    '-retentionPeriod=100y',
    '-loggerLevel=ERROR',
  ];
  let server: Awaited<ReturnType<typeof startServerProcess>>;
  try {
    server = await startServerProcess(binary, args, () => answers(`${url}/health`));
  } catch (error) {
    await dir.remove();
    throw error;
  }
  return {
    url,
    async exportSeries(selector) {
      await fetch(`${url}/internal/force_flush`).then((response) => response.body?.cancel());
      const body = new URLSearchParams({ 'match[]': selector });
      const response = await fetch(`${url}/api/v1/export`, { method: 'POST', body });
      if (!response.ok) throw new Error(`export failed: HTTP ${response.status} ${await response.text()}`);
      const text = await response.text();
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as ExportedSeries);
    },
    async stop() {
      await server.kill();
      await dir.remove();
    },
  };
}
