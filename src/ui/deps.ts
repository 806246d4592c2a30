/** What the web interface calls: the daemon's existing services, nothing of its own. */
import type { AlarmService } from '../alarms/alarmService.ts';
import type { TokenAuth } from '../api/auth.ts';
import type { TransactionService } from '../commit/transactionService.ts';
import type { InventoryService } from '../inventory/inventoryService.ts';
import type { JobRunner } from '../jobs/jobRunner.ts';
import type { SynctoService } from '../jobs/syncto.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { RepoKind, Renderer } from '../render/index.ts';
import type { IdentityProbe } from '../sources/reconcile/identityProbe.ts';
import type { InventorySync } from '../sources/inventorySync.ts';
import type { Store } from '../model/store.ts';
import type { PageRenderer } from './page.ts';
import type { SharedSessions } from './session.ts';

export interface UiDeps {
  auth: TokenAuth;
  store: Store;
  inventory: InventoryService;
  alarms: AlarmService;
  jobs: JobRunner;
  syncto: SynctoService;
  transactions: TransactionService;
  inventorySync: InventorySync;
  /** "Verify over SSH" when adding a device: the inventory sync's hostname check. */
  probe: IdentityProbe;
  /** Absent when no repos are configured. */
  gitops?: { renderer: Renderer; commitInfo(repo: RepoKind, sha: string): Promise<{ author: string; message: string }> };
  /** Sessions shared with other replicas (PostgreSQL); absent: this process keeps its own in memory. */
  sessions?: () => Promise<SharedSessions>;
  clock: Clock;
  logger: Logger;
}

export interface Ui extends UiDeps {
  page: PageRenderer;
}
