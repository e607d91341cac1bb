// One asynchronous read for a view: loading, error ({code, message}) or data.
import { toIpcError, type IpcError } from '../ipc';

export class Resource<T> {
  data = $state<T | undefined>(undefined);
  error = $state<IpcError | null>(null);
  loading = $state(false);
  #seq = 0;

  constructor(private readonly load: () => Promise<T>) {}

  async reload(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    this.error = null;
    try {
      const data = await this.load();
      if (seq === this.#seq) this.data = data;
    } catch (e) {
      if (seq === this.#seq) this.error = toIpcError(e);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /** Reads again in the background, after a change: what is shown stays until the new data
   *  arrives (no loading state), and a failure keeps it (the next change tries again). */
  async refresh(): Promise<void> {
    if (this.data === undefined || this.error) return this.reload();
    const seq = ++this.#seq;
    try {
      const data = await this.load();
      if (seq === this.#seq) this.data = data;
    } catch {
      // Keep showing the last data read; a lasting problem shows at the next reload.
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }
}
