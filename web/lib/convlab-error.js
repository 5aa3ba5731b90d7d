// convlab-error.js - the error every non-zero cl_status becomes (lib/convlab.js
// and lib/convlab-nn.js throw it; lib/convlab.js re-exports it).

/** Thrown for every non-zero cl_status; .status holds the code. */
export class ConvlabError extends Error {
  constructor(status, message, where) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'ConvlabError';
    this.status = status;
  }
}
