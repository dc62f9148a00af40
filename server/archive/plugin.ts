/** The retiree archive (6.11.1 a), its attachments and its access log (6.1.2.8). */
import path from 'node:path';
import { area } from '../context.ts';
import { ArchiveAccessLog } from './access-log.ts';
import { AttachmentStore } from './attachments.ts';
import { archiveRoutes } from './routes.ts';
import { ArchiveStore } from './store.ts';

// The archive shows a focus retiree's visits: the visits area comes first.
export const archiveArea = area(
  'archive',
  async (app, hub) => {
    const now = () => new Date();
    const archive = new ArchiveStore(hub.db, now);
    app.decorate('archive', archive);
    app.decorate('archiveAccess', new ArchiveAccessLog(hub.db, now));
    app.decorate('attachments', new AttachmentStore(hub.db, archive, path.resolve(hub.dataDir)));
    await app.register(archiveRoutes, { hub });
  },
  ['visits'],
);
