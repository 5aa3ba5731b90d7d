// worker-rpc.js - the one message protocol between a page and its engine worker.
//
//   page:    const engine = new WorkerClient(new URL('x-worker.js', import.meta.url), { onEvent });
//            const result = await engine.call('filter', { kernel }, [transferables]);
//   worker:  serveRequests({ async filter(args) { return { result, transfer: [buffer] }; } });
//
// A request is {id, type, ...args}; the answer is {id, ok: true, result} or
// {id, ok: false, error: {message, status}}, and the promise rejects with an
// Error carrying .status (a cl_status code when the engine refused). Messages
// the worker sends on its own (progress, say) carry `event` and no id: they go
// to onEvent.

export class WorkerClient {
  /**
   * @param {URL | string} url  the worker module
   * @param {{ onEvent?: (data: any) => void, onError?: ((e: Error) => void) | null }} [handlers]
   */
  constructor(url, { onEvent = () => {}, onError = null } = {}) {
    this.worker = new Worker(url, { type: 'module' });
    this.nextId = 1;
    this.waiting = new Map();
    this.worker.onmessage = ({ data }) => {
      if (data.event) {
        onEvent(data);
        return;
      }
      const w = this.waiting.get(data.id);
      if (!w) return;
      this.waiting.delete(data.id);
      if (data.ok) w.resolve(data.result);
      else w.reject(Object.assign(new Error(data.error.message), { status: data.error.status }));
    };
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      const err = new Error(`the engine's worker failed: ${e.message ?? 'unknown error'}`);
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
      onError?.(err);
    };
  }

  /** Sends a request; resolves with the handler's result. */
  call(type, args = {}, transfer = []) {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...args }, transfer);
    });
  }
}

/**
 * In a worker: answers requests with handlers[type](args), each returning
 * { result, transfer? } (or a promise of it).
 */
export function serveRequests(handlers) {
  self.onmessage = async (event) => {
    const { id, type, ...args } = event.data;
    try {
      const handler = handlers[type];
      if (!handler) throw new Error(`unknown message type ${type}`);
      const { result, transfer = [] } = await handler(args);
      self.postMessage({ id, ok: true, result }, transfer);
    } catch (e) {
      self.postMessage({ id, ok: false, error: { message: e.message, status: e.status ?? null } });
    }
  };
}
