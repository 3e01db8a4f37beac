/**
 * The little of protobuf that ONNX graph edits need: split a message into fields (payloads stay views into the
 * original bytes, so weights are never copied), re-encode fields, and write new messages.
 */

export interface Field {
  no: number;
  wire: number;
  /** Varint value (wire 0) or the raw payload (wire 1, 2, 5). */
  value: number | Uint8Array;
}

export function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated protobuf');
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [result, pos];
    shift += 7;
  }
}

export function parse(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    const no = Math.floor(key / 8);
    const wire = key & 7;
    pos = p1;
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      fields.push({ no, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      if (p2 + len > buf.length) throw new Error('truncated protobuf');
      fields.push({ no, wire, value: buf.subarray(p2, p2 + len) });
      pos = p2 + len;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > buf.length) throw new Error('truncated protobuf');
      fields.push({ no, wire, value: buf.subarray(pos, pos + n) });
      pos += n;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`);
    }
  }
  return fields;
}

/** Varint bytes of an integer; negative values are int64 two's complement (ten bytes), as protobuf writes them. */
function varint(n: number): number[] {
  const out: number[] = [];
  if (n < 0) {
    let v = BigInt.asUintN(64, BigInt(n));
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    return out;
  }
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/** Concatenates byte pieces into one buffer. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

export function serialize(fields: readonly Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    const head = varint(f.no * 8 + f.wire);
    if (f.wire === 0) parts.push(Uint8Array.from([...head, ...varint(f.value as number)]));
    else if (f.wire === 2) parts.push(Uint8Array.from([...head, ...varint((f.value as Uint8Array).length)]), f.value as Uint8Array);
    else parts.push(Uint8Array.from(head), f.value as Uint8Array);
  }
  return concat(parts);
}

const utf8 = new TextDecoder();
const enc = new TextEncoder();

export const text = (b: Uint8Array): string => utf8.decode(b);

/** A field of a message being written: nested messages stay a tree until encodeMessage lays them out once. */
export interface OutField {
  no: number;
  wire: number;
  value: number | Uint8Array | OutField[];
}

/** Field builders for writing new messages. */
export const pb = {
  varint: (no: number, v: number): OutField => ({ no, wire: 0, value: v }),
  bytes: (no: number, v: Uint8Array): OutField => ({ no, wire: 2, value: v }),
  string: (no: number, s: string): OutField => ({ no, wire: 2, value: enc.encode(s) }),
  message: (no: number, fields: OutField[]): OutField => ({ no, wire: 2, value: fields }),
  float: (no: number, v: number): OutField => ({ no, wire: 5, value: new Uint8Array(Float32Array.of(v).buffer) }),
};

/** Encodes a message tree into one buffer: payloads (weights) are copied exactly once. */
export function encodeMessage(fields: OutField[]): Uint8Array {
  const sizes = new Map<OutField[], number>();
  const sizeOf = (msg: OutField[]): number => {
    let n = 0;
    for (const f of msg) {
      n += varint(f.no * 8 + f.wire).length;
      if (f.wire === 0) n += varint(f.value as number).length;
      else if (f.wire === 2) {
        const len = Array.isArray(f.value) ? sizeOf(f.value) : (f.value as Uint8Array).length;
        n += varint(len).length + len;
      } else n += (f.value as Uint8Array).length;
    }
    sizes.set(msg, n);
    return n;
  };
  // Every byte is written below: skip zero-filling a buffer the size of the weights.
  const out: Uint8Array = Buffer.allocUnsafeSlow(sizeOf(fields));
  let pos = 0;
  const put = (bytes: number[]) => {
    for (const b of bytes) out[pos++] = b;
  };
  const write = (msg: OutField[]): void => {
    for (const f of msg) {
      put(varint(f.no * 8 + f.wire));
      if (f.wire === 0) put(varint(f.value as number));
      else if (Array.isArray(f.value)) {
        put(varint(sizes.get(f.value)!));
        write(f.value);
      } else {
        const bytes = f.value as Uint8Array;
        if (f.wire === 2) put(varint(bytes.length));
        out.set(bytes, pos);
        pos += bytes.length;
      }
    }
  };
  write(fields);
  return out;
}

/** Rewrites every occurrence of one length-delimited field, leaving everything else byte-for-byte. */
export function mapField(buf: Uint8Array, no: number, fn: (payload: Uint8Array) => Uint8Array): Uint8Array {
  return serialize(parse(buf).map((f) => (f.no === no && f.wire === 2 ? { ...f, value: fn(f.value as Uint8Array) } : f)));
}

/** The payloads of one repeated string / message field. */
export function repeated(buf: Uint8Array | Field[], no: number): Uint8Array[] {
  const fields = buf instanceof Uint8Array ? parse(buf) : buf;
  return fields.filter((f) => f.no === no && f.wire === 2).map((f) => f.value as Uint8Array);
}
