// Test helpers for vendoremu with node:test, no dependencies (Node 18+).
//
// The emulator: VENDOREMU_URL if set (a sidecar, a service container), else
// the binary at VENDOREMU_BIN (default: `emulator` on the PATH), started on a
// free port with an in-memory database.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export async function startEmulator() {
  if (process.env.VENDOREMU_URL) {
    return { url: process.env.VENDOREMU_URL.replace(/\/$/, ''), stop: async () => {} };
  }
  const bin = process.env.VENDOREMU_BIN ?? 'emulator';
  const child = spawn(bin, ['-addr', '127.0.0.1:0', '-db', ':memory:'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => {
    child.once('exit', (code) => resolve(`code ${code}`));
    child.once('error', (err) => resolve(err.message)); // not started at all
  });
  // The emulator prints this line once it is listening and healthy.
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('vendoremu ready on ')) {
      const url = line.split(' ').pop();
      return { url, stop: async () => { child.kill('SIGTERM'); await exited; } };
    }
  }
  throw new Error(`${bin}: ${await exited} before it was ready`);
}

// control calls the emulator's control plane and returns its JSON answer.
export async function control(emulator, method, path, body) {
  const res = await fetch(`${emulator.url}/_emulator${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /_emulator${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// newTenant creates a fresh tenant of a vendor; reset wipes it after a test.
export const newTenant = (emulator, vendor, body = {}) => control(emulator, 'POST', `/${vendor}/tenants`, body);
export const resetTenant = (emulator, vendor, tenant) =>
  control(emulator, 'POST', `/reset?vendor=${vendor}&tenant=${encodeURIComponent(tenant)}`);
