// The booth's cryptography: libsodium compiled to WebAssembly (scripts/build-booth-wasm). The
// module imports five WASI calls; only random_get does anything, from crypto.getRandomValues.
// Nothing here keeps a secret beyond the call that uses it: buffers are wiped and freed.

const ENOSYS = 52;

export async function loadSodium(wasmBytes, random = globalThis.crypto) {
  let memory;
  const wasi = {
    random_get(ptr, len) {
      const view = new Uint8Array(memory.buffer, ptr, len);
      // getRandomValues fills at most 65,536 bytes per call.
      for (let i = 0; i < len; i += 65536) random.getRandomValues(view.subarray(i, Math.min(len, i + 65536)));
      return 0;
    },
    fd_close: () => ENOSYS,
    fd_seek: () => ENOSYS,
    fd_write: () => ENOSYS,
    poll_oneoff: () => ENOSYS,
  };
  const { instance } = await WebAssembly.instantiate(wasmBytes, { wasi_snapshot_preview1: wasi });
  const x = instance.exports;
  memory = x.memory;
  x._initialize();
  if (x.booth_init() < 0) throw new Error("libsodium failed to initialise");
  return new Sodium(x);
}

/** Byte-array wrappers over the exported calls; every input is checked for its length. */
export class Sodium {
  constructor(exports) { this.x = exports; }

  /** Runs f with module buffers holding the inputs and `outLength` output bytes; returns [result, output]. */
  call(outLength, inputs, f) {
    const x = this.x;
    const out = outLength > 0 ? x.booth_alloc(outLength) : 0;
    const ptrs = inputs.map((bytes) => {
      const p = x.booth_alloc(Math.max(1, bytes.length));
      new Uint8Array(x.memory.buffer, p, bytes.length).set(bytes);
      return p;
    });
    try {
      const result = f(out, ...ptrs);
      const output = outLength > 0 ? new Uint8Array(x.memory.buffer, out, outLength).slice() : null;
      return [result, output];
    } finally {
      inputs.forEach((bytes, i) => { x.wipe(ptrs[i], bytes.length); x.booth_free(ptrs[i]); });
      if (out) { x.wipe(out, outLength); x.booth_free(out); }
    }
  }

  static need(bytes, length, what) {
    if (!(bytes instanceof Uint8Array) || bytes.length !== length) throw new TypeError(`${what}: ${length} bytes expected`);
  }

  isValidPoint(p) { Sodium.need(p, 32, "point"); return this.call(0, [p], (_, a) => this.x.ristretto_is_valid(a))[0] === 1; }
  checked([result, output], what) { if (result !== 0) throw new RangeError(what); return output; }
  add(p, q) { return this.checked(this.call(32, [p, q], (o, a, b) => this.x.ristretto_add(o, a, b)), "invalid point"); }
  sub(p, q) { return this.checked(this.call(32, [p, q], (o, a, b) => this.x.ristretto_sub(o, a, b)), "invalid point"); }
  fromHash(h) { Sodium.need(h, 64, "hash"); return this.checked(this.call(32, [h], (o, a) => this.x.ristretto_from_hash(o, a)), "hash to group"); }
  mulBase(n) { Sodium.need(n, 32, "scalar"); return this.checked(this.call(32, [n], (o, a) => this.x.ristretto_mul_base(o, a)), "zero result"); }
  mul(n, p) { Sodium.need(n, 32, "scalar"); Sodium.need(p, 32, "point"); return this.checked(this.call(32, [n, p], (o, a, b) => this.x.ristretto_mul(o, a, b)), "invalid point or zero result"); }
  scalarRandom() { return this.call(32, [], (o) => this.x.scalar_random(o))[1]; }
  scalarReduce(wide) { Sodium.need(wide, 64, "wide scalar"); return this.call(32, [wide], (o, a) => this.x.scalar_reduce(o, a))[1]; }
  scalarAdd(a, b) { return this.call(32, [a, b], (o, p, q) => this.x.scalar_add(o, p, q))[1]; }
  scalarSub(a, b) { return this.call(32, [a, b], (o, p, q) => this.x.scalar_sub(o, p, q))[1]; }
  scalarMul(a, b) { return this.call(32, [a, b], (o, p, q) => this.x.scalar_mul(o, p, q))[1]; }
  scalarNegate(a) { return this.call(32, [a], (o, p) => this.x.scalar_negate(o, p))[1]; }
  sha512(m) { return this.call(64, [m], (o, a) => this.x.sha512(o, a, BigInt(m.length)))[1]; }
  sha256(m) { return this.call(32, [m], (o, a) => this.x.sha256(o, a, BigInt(m.length)))[1]; }
  /** Ed25519 from a 32-byte seed: { publicKey, secretKey (64 bytes) }. */
  signKeyPair(seed) {
    Sodium.need(seed, 32, "seed");
    const x = this.x, pk = x.booth_alloc(32);
    try {
      const [, sk] = this.call(64, [seed], (o, s) => x.ed25519_seed_keypair(pk, o, s));
      return { publicKey: new Uint8Array(x.memory.buffer, pk, 32).slice(), secretKey: sk };
    } finally { x.booth_free(pk); }
  }
  sign(message, secretKey) { Sodium.need(secretKey, 64, "secret key"); return this.call(64, [message, secretKey], (o, m, k) => this.x.ed25519_sign(o, m, BigInt(message.length), k))[1]; }
  verify(signature, message, publicKey) {
    Sodium.need(signature, 64, "signature"); Sodium.need(publicKey, 32, "public key");
    return this.call(0, [signature, message, publicKey], (_, s, m, k) => this.x.ed25519_verify(s, m, BigInt(message.length), k))[0] === 0;
  }
}

export const hex = {
  encode: (b) => Array.from(b, (v) => v.toString(16).padStart(2, "0")).join(""),
  decode: (s) => {
    if (!/^([0-9a-f]{2})*$/.test(s)) throw new TypeError("lowercase hex expected");
    return Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
  },
};
