// Your MouseStats client code, unchanged, pointed at the emulator.
import { after, afterEach, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { control, newTenant, resetTenant, startEmulator } from './emulator.mjs';

// Stands for your application's client of the MouseStats reseller API.
class MouseStats {
  constructor(baseUrl, partnerId, partnerSecret) {
    Object.assign(this, { baseUrl, partnerId, partnerSecret });
  }

  async call(fn, params) {
    const query = new URLSearchParams({ _partnerId: this.partnerId, _partnerSecret: this.partnerSecret, ...params });
    const res = await fetch(`${this.baseUrl}/api/${fn}?${query}`);
    return { status: res.status, body: await res.text() };
  }
}

let emulator;
let partner;
let mouseStats;

before(async () => { emulator = await startEmulator(); });
after(async () => { await emulator.stop(); });

// A partner of its own for every test, wiped afterwards.
beforeEach(async () => {
  partner = await newTenant(emulator, 'mousestats');
  mouseStats = new MouseStats(`${emulator.url}/mousestats`, partner.partnerId, partner.partnerSecret);
});
afterEach(async () => { await resetTenant(emulator, 'mousestats', partner.partnerId); });

test('an account created through the API can be read back', async () => {
  const created = await mouseStats.call('CreateAccount', { _userEmail: 'ann@example.com', _userPassword: 'pw-123456' });
  assert.deepEqual(created, { status: 200, body: 'ok' });
  const account = JSON.parse((await mouseStats.call('GetAccount', { _userEmail: 'ann@example.com' })).body);
  assert.equal(account.Email, `ann@example.com(${partner.partnerId})`);
});

test('a wrong secret is refused as MouseStats refuses it', async () => {
  const wrong = new MouseStats(`${emulator.url}/mousestats`, partner.partnerId, 'wrong');
  const res = await wrong.call('GetAccount', { _userEmail: 'ann@example.com' });
  assert.match(res.body, /permission-denied/);
});

test('the emulator records what your code sent', async () => {
  await mouseStats.call('GetAccount', { _userEmail: 'nobody@example.com' });
  const { requests } = await control(emulator, 'GET', `/requests?vendor=mousestats&tenant=${partner.partnerId}`);
  assert.equal(requests[0].path, '/api/GetAccount');
});
