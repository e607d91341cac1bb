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
}
