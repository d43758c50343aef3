#!/usr/bin/env node
// An independent Moneta partner, written from docs/protocol.md and docs/webhooks.md only, with public libraries:
// `jose` for JWK, JWT and JWS, `canonicalize` for RFC 8785, `standardwebhooks` (the official Standard Webhooks
// library) to verify webhooks. Nothing here comes from Moneta's code.
//
// Usage: node partner.mjs --url http://127.0.0.1:5080 --admin-token <token>
//
// Prints one line per check ("ok - ..." or "not ok - ...") and ends with "N passed, M failed".
// Exits 0 only when nothing failed.

import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import canonicalize from 'canonicalize';
import {
  CompactSign,
  SignJWT,
  base64url,
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
} from 'jose';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    'admin-token': { type: 'string' },
  },
});
if (!args.url || !args['admin-token']) {
  console.error('usage: node partner.mjs --url <base URL> --admin-token <token>');
  process.exit(2);
}
const baseUrl = args.url.replace(/\/+$/, '');
const adminToken = args['admin-token'];

// ---------------------------------------------------------------------------------------------------------------
// Reporting

let passed = 0;
let failed = 0;

function report(ok, name, detail) {
  if (ok) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`not ok - ${name}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}

/** Runs one check; an exception counts as a failure and the run goes on. */
async function check(name, fn) {
  try {
    const result = await fn();
    if (result === true || result === undefined) return report(true, name);
    return report(false, name, typeof result === 'string' ? result : JSON.stringify(result));
  } catch (e) {
    return report(false, name, e?.message ?? String(e));
  }
}

/** A step the following checks depend on: a failure ends the run (still with the summary line). */
async function step(name, fn) {
  let value;
  try {
    value = await fn();
  } catch (e) {
    report(false, name, e?.message ?? String(e));
    finish();
  }
  report(true, name);
  return value;
}

function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

async function call(method, path, { token, json, form } = {}) {
  const headers = { accept: 'application/json, application/problem+json' };
  let body;
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const url = path.startsWith('http') ? path : `${baseUrl}${path}`;
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: parsed };
}

/** Calls and insists on one status; returns the parsed body. */
async function expect(status, method, path, options) {
  const response = await call(method, path, options);
  assert(response.status === status,
    `${method} ${path}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A refusal must be an RFC 9457 problem with the given status and code. */
function assertProblem(response, status, code) {
  assert(response.status === status, `expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  assert(response.contentType.startsWith('application/problem+json'), `content-type is ${response.contentType}`);
  assert(response.body?.code === code, `expected code ${code}, got ${JSON.stringify(response.body)}`);
  assert(response.body?.status === status, 'the problem has no matching "status" member');
}

// ---------------------------------------------------------------------------------------------------------------
// The protocol, as docs/protocol.md describes it

const encoder = new TextEncoder();

/** The RFC 8785 canonical UTF-8 bytes of the signing input for one step (docs/protocol.md, "The signing input"). */
function signingInput(contract, signer, previous, rejection) {
  const input = {
    contract_id: contract.contract_id,
    template_id: contract.template_id,
    template_version: contract.template_version,
    mo_id: contract.mo_id,
    publisher_id: contract.publisher_id,
    mpass_id: contract.mpass_id,
    payload: contract.payload,
    signer,
    previous,
  };
  if (rejection !== undefined) input.rejection = { reason: rejection };
  return encoder.encode(canonicalize(input));
}

/** Compact JWS over the payload, then detached: "header..signature" (RFC 7515 appendix F). */
async function signDetached(payloadBytes, privateKey, kid) {
  const jws = await new CompactSign(payloadBytes).setProtectedHeader({ alg: 'ES256', kid }).sign(privateKey);
  const [header, , signature] = jws.split('.');
  return `${header}..${signature}`;
}

/** Re-attaches the payload and verifies with a key or key resolver; returns the protected header. */
async function verifyDetached(detached, payloadBytes, key, algorithms) {
  const parts = detached.split('.');
  assert(parts.length === 3 && parts[1] === '', `not a detached compact JWS: ${detached}`);
  const attached = `${parts[0]}.${base64url.encode(payloadBytes)}.${parts[2]}`;
  const { protectedHeader } = await compactVerify(attached, key, { algorithms });
  return protectedHeader;
}

/** A partner organization: its ES256 key pair, made and exported with jose. */
async function newPartner(label) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `${label}-${randomBytes(4).toString('hex')}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const privateJwk = await exportJWK(privateKey);
  return { label, kid, publicKey, privateKey, publicJwk, privateJwk };
}

/** RFC 7523 private_key_jwt client assertion. */
async function clientAssertion(partner, audience) {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: partner.kid, typ: 'JWT' })
    .setIssuer(partner.id)
    .setSubject(partner.id)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('2m')
    .setJti(randomUUID())
    .sign(partner.privateKey);
}

async function requestToken(tokenEndpoint, assertion) {
  return call('POST', tokenEndpoint, {
    form: {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    },
  });
}

const newContractId = () => `interop-${randomUUID()}`;

// ---------------------------------------------------------------------------------------------------------------
// 0. The published test vector (docs/protocol-vectors.md) with these libraries, before talking to Moneta

await check('protocol vector: canonical bytes, digest and signature match docs/protocol-vectors.md', async () => {
  const vectorKey = {
    kty: 'EC', crv: 'P-256',
    x: 'EbHh1TU-Q-59L9Ipw2UXZSa5zM4EcJ9bvu5pnpl1cCg',
    y: 'bjy-mH_BvozQwb7qP7gN9WUJYSUZ3pZ-18s9by9OF74',
    kid: 'mo-key-1', alg: 'ES256', use: 'sig',
  };
  const input = {
    contract_id: 'ctr_2026_0001', template_id: 'transaction-contract', template_version: 1,
    mo_id: '6f1c2a3e-8d4b-4c1a-9e2f-1a2b3c4d5e6f', publisher_id: '0b9e8d7c-6a5b-4c3d-8e2f-0a1b2c3d4e5f',
    mpass_id: '3c2b1a09-8f7e-4d6c-9b5a-4a3b2c1d0e9f',
    payload: { amount: '12.50', currency: 'EUR', description: 'Premium article bundle' },
    signer: 'mo', previous: null,
  };
  const bytes = encoder.encode(canonicalize(input));
  const digest = createHash('sha256').update(bytes).digest('hex');
  assert(digest === '7e9e19e4c87d4c4c988520d1f36b49637286d7a3c9cb6409759b1c31bf014167', `digest ${digest}`);
  const signature = 'eyJhbGciOiJFUzI1NiIsImtpZCI6Im1vLWtleS0xIn0..1iYwPfXgHVfrIk5oDIYZYrbCMzej9fFpBPERP4YWHImFD0iB7_ZLmQuWh1hiH3r3AkOCFUISYAoJ8Ienb-rSug';
  await verifyDetached(signature, bytes, await importJWK(vectorKey, 'ES256'), ['ES256']);
  const tampered = encoder.encode(canonicalize({ ...input, payload: { ...input.payload, amount: '12.51' } }));
  const refused = await verifyDetached(signature, tampered, await importJWK(vectorKey, 'ES256'), ['ES256']).then(() => false, () => true);
  assert(refused, 'the vector signature also verified over a tampered amount');
});

// ---------------------------------------------------------------------------------------------------------------
// 1. Discovery and Moneta's keys

const discovery = await step('discovery: GET /.well-known/openid-configuration', async () => {
  const body = await expect(200, 'GET', '/.well-known/openid-configuration');
  for (const member of ['issuer', 'token_endpoint', 'jwks_uri']) assert(typeof body[member] === 'string', `no ${member}`);
  assert(body.grant_types_supported?.includes('client_credentials'), 'client_credentials not supported');
  assert(body.token_endpoint_auth_methods_supported?.includes('private_key_jwt'), 'private_key_jwt not supported');
  assert(body.token_endpoint_auth_signing_alg_values_supported?.includes('ES256'), 'ES256 not accepted');
  return body;
});

const monetaJwks = await step('discovery: GET jwks_uri holds Moneta public signing key(s)', async () => {
  const body = await expect(200, 'GET', discovery.jwks_uri);
  assert(Array.isArray(body.keys) && body.keys.length > 0, 'no keys');
  for (const key of body.keys) {
    assert(key.kid && key.alg, 'a key has no kid or alg');
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert(!(secret in key), `a key exposes ${secret}`);
  }
  return body;
});
const monetaKeys = createLocalJWKSet(monetaJwks);

// ---------------------------------------------------------------------------------------------------------------
// 2. Onboarding, as the administrator

const mo = await newPartner('mo');
const publisher = await newPartner('pub');

await step('admin: register an MO with an ES256 public JWK', async () => {
  const body = await expect(201, 'POST', '/api/v1/organizations/mo', {
    token: adminToken,
    json: { name: 'Interop MO', mic: `IOP${randomBytes(6).toString('hex').toUpperCase()}`, keys: [mo.publicJwk] },
  });
  assert(body.kind === 'mo' && body.status === 'pending', `unexpected ${JSON.stringify(body)}`);
  assert(body.keys?.[0]?.kid === mo.kid && body.keys[0].alg === 'ES256', 'the key was not kept under its kid');
  mo.id = body.id;
});

await step('admin: register a publisher with an ES256 public JWK', async () => {
  const body = await expect(201, 'POST', '/api/v1/organizations/publisher', {
    token: adminToken,
    json: { name: 'Interop Publisher', keys: [publisher.publicJwk] },
  });
  assert(body.kind === 'publisher' && body.status === 'pending', `unexpected ${JSON.stringify(body)}`);
  publisher.id = body.id;
});

await check('admin: a JWK with private members is refused (private_key_material)', async () => {
  const response = await call('POST', '/api/v1/organizations/publisher', {
    token: adminToken,
    json: { name: 'Careless Publisher', keys: [{ ...publisher.privateJwk, kid: 'oops', alg: 'ES256' }] },
  });
  assertProblem(response, 400, 'private_key_material');
});

await step('admin: activate both organizations', async () => {
  for (const [kind, partner] of [['mo', mo], ['publisher', publisher]]) {
    const body = await expect(200, 'PUT', `/api/v1/organizations/${kind}/${partner.id}/status`, {
      token: adminToken, json: { status: 'active' },
    });
    assert(body.status === 'active', `${kind} is ${body.status}`);
  }
});

const mpass = await step('admin: issue an mPass for the MO', async () => {
  const body = await expect(201, 'POST', '/api/v1/mpass', { token: adminToken, json: { mo_id: mo.id, tier: 'gold' } });
  assert(body.mo_id === mo.id && body.status === 'active', `unexpected ${JSON.stringify(body)}`);
  return body;
});

// ---------------------------------------------------------------------------------------------------------------
// 3. Access tokens (RFC 7523 private_key_jwt)

let replayableAssertion;
for (const partner of [mo, publisher]) {
  await step(`token: ${partner.label} obtains an access token with a private_key_jwt client assertion`, async () => {
    const assertion = await clientAssertion(partner, discovery.issuer);
    const response = await requestToken(discovery.token_endpoint, assertion);
    assert(response.status === 200, `${response.status} ${JSON.stringify(response.body)}`);
    assert(typeof response.body.access_token === 'string', 'no access_token');
    assert(response.body.token_type === 'Bearer', `token_type ${response.body.token_type}`);
    assert(Number.isInteger(response.body.expires_in) && response.body.expires_in > 0, 'no expires_in');
    partner.token = response.body.access_token;
    replayableAssertion ??= assertion;
  });
}

await check('token: a replayed client assertion (same jti) is refused', async () => {
  const response = await requestToken(discovery.token_endpoint, replayableAssertion);
  assertProblem(response, 400, 'assertion_replayed');
  assert(response.body.error === 'invalid_grant', `error ${response.body.error}`);
});

await check('token: an assertion for another audience is refused (invalid_client)', async () => {
  const assertion = await clientAssertion(mo, 'https://not-moneta.example');
  assertProblem(await requestToken(discovery.token_endpoint, assertion), 401, 'invalid_client');
});

// ---------------------------------------------------------------------------------------------------------------
// 4. Webhooks: each partner runs a receiver on loopback and registers it; deliveries are checked at the end

const received = [];
const receiver = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    received.push({ path: request.url, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
    response.writeHead(204).end();
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}`;

for (const partner of [mo, publisher]) {
  await step(`webhooks: ${partner.label} registers an endpoint and gets its whsec_ secret once`, async () => {
    const kind = partner === mo ? 'mo' : 'publisher';
    const body = await expect(201, 'POST', `/api/v1/organizations/${kind}/${partner.id}/webhooks`, {
      token: partner.token, json: { url: `${receiverUrl}/${partner.label}` },
    });
    assert(body.secret.startsWith('whsec_'), 'no whsec_ secret');
    partner.webhookSecret = body.secret;
    const listed = await expect(200, 'GET', `/api/v1/organizations/${kind}/${partner.id}/webhooks`, { token: partner.token });
    assert(listed.items.length === 1 && !JSON.stringify(listed).includes(body.secret), 'the secret is listed');
  });
}

// ---------------------------------------------------------------------------------------------------------------
// 5. The contract flow: MO initiates, Moneta countersigns, publisher completes

const terms = {
  contract_id: newContractId(),
  template_id: 'transaction-contract',
  template_version: 1,
  mo_id: mo.id,
  publisher_id: publisher.id,
  mpass_id: mpass.id,
  payload: { amount: '12.50', currency: 'EUR', description: 'Interop article bundle' },
};
const moSignature = await signDetached(signingInput(terms, 'mo', null), mo.privateKey, mo.kid);
const initiation = { ...terms, signature: moSignature };

let contract = await step('mo: POST /api/v1/contracts initiates the contract (201)', async () => {
  const body = await expect(201, 'POST', '/api/v1/contracts', { token: mo.token, json: initiation });
  assert(body.contract_id === terms.contract_id, 'other contract_id');
  assert(body.status === 'pending_publisher_signature', `status ${body.status}`);
  assert(JSON.stringify(body.signing_order) === '["mo","moneta","publisher"]', `signing_order ${body.signing_order}`);
  assert(body.signatures_map?.mo?.signature === moSignature, 'the MO signature was not kept as sent');
  assert(body.signatures_map.mo.kid === mo.kid, 'the MO signature is not filed under its kid');
  return body;
});

await check('mo: Moneta countersignature verifies with the JWKS over the rebuilt signing input', async () => {
  const countersignature = contract.signatures_map.moneta?.signature;
  assert(countersignature, 'no moneta signature');
  const header = decodeProtectedHeader(countersignature);
  assert(JSON.stringify(Object.keys(header).sort()) === '["alg","kid"]', `header ${JSON.stringify(header)}`);
  assert(header.kid === contract.signatures_map.moneta.kid, 'signatures_map kid differs from the JWS kid');
  await verifyDetached(countersignature, signingInput(contract, 'moneta', moSignature), monetaKeys, ['ES256', 'RS256', 'PS256']);
});

await check('mo: the same initiation again returns the contract (200)', async () => {
  const body = await expect(200, 'POST', '/api/v1/contracts', { token: mo.token, json: initiation });
  assert(body.contract_id === terms.contract_id && body.status === 'pending_publisher_signature', `unexpected ${JSON.stringify(body)}`);
});

await check('mo: a different body under the same contract_id is 409 contract_id_in_use', async () => {
  const other = { ...terms, payload: { ...terms.payload, amount: '13.00' } };
  const signature = await signDetached(signingInput(other, 'mo', null), mo.privateKey, mo.kid);
  assertProblem(await call('POST', '/api/v1/contracts', { token: mo.token, json: { ...other, signature } }), 409, 'contract_id_in_use');
});

await check('mo: a tampered amount (signed 12.50, sent 12.51) is refused with invalid_signature', async () => {
  const signed = { ...terms, contract_id: newContractId() };
  const signature = await signDetached(signingInput(signed, 'mo', null), mo.privateKey, mo.kid);
  const sent = { ...signed, payload: { ...signed.payload, amount: '12.51' }, signature };
  const response = await call('POST', '/api/v1/contracts', { token: mo.token, json: sent });
  assertProblem(response, 400, 'invalid_signature');
  const lookup = await call('GET', `/api/v1/contracts/${signed.contract_id}`, { token: mo.token });
  assertProblem(lookup, 404, 'contract_not_found');
});

await check('mo: a JWS with an attached payload is refused (malformed_signature)', async () => {
  const input = { ...terms, contract_id: newContractId() };
  const bytes = signingInput(input, 'mo', null);
  const attached = await new CompactSign(bytes).setProtectedHeader({ alg: 'ES256', kid: mo.kid }).sign(mo.privateKey);
  assertProblem(await call('POST', '/api/v1/contracts', { token: mo.token, json: { ...input, signature: attached } }), 400, 'malformed_signature');
});

await check('mo: an unknown request member is refused (invalid_json)', async () => {
  const response = await call('POST', '/api/v1/contracts', { token: mo.token, json: { ...initiation, contract_id: newContractId(), note: 'x' } });
  assertProblem(response, 400, 'invalid_json');
});

await check('mo: JCS agrees on tricky text (non-ASCII, emoji, quotes, escapes) and member order', async () => {
  // Members deliberately out of canonical order; the description exercises RFC 8785 string rules.
  const tricky = {
    ...terms,
    contract_id: newContractId(),
    payload: { description: 'Caf\u00e9 <b>&</b> \'q\' "dq" \\ \u20ac \u{1F600} \u2028 tab\there \u0001 \u007f end', currency: 'JPY', amount: '1500' },
  };
  const signature = await signDetached(signingInput(tricky, 'mo', null), mo.privateKey, mo.kid);
  const body = await expect(201, 'POST', '/api/v1/contracts', { token: mo.token, json: { ...tricky, signature } });
  assert(body.payload.description === tricky.payload.description, 'the description came back changed');
  await verifyDetached(body.signatures_map.moneta.signature, signingInput(body, 'moneta', signature), monetaKeys, ['ES256']);
});

await check('publisher: reads the pending contract', async () => {
  const body = await expect(200, 'GET', `/api/v1/contracts/${terms.contract_id}`, { token: publisher.token });
  assert(body.status === 'pending_publisher_signature', `status ${body.status}`);
  contract = body;
});

await check('publisher: a signature chained to the MO signature instead of Moneta\'s is refused (invalid_signature)', async () => {
  const wrong = await signDetached(signingInput(contract, 'publisher', moSignature), publisher.privateKey, publisher.kid);
  const response = await call('POST', `/api/v1/contracts/${terms.contract_id}/signatures`, {
    token: publisher.token, json: { role: 'publisher', signature: wrong },
  });
  assertProblem(response, 400, 'invalid_signature');
});

await check('mo: cannot sign as the publisher (role_not_yours)', async () => {
  const response = await call('POST', `/api/v1/contracts/${terms.contract_id}/signatures`, {
    token: mo.token, json: { role: 'publisher', signature: moSignature },
  });
  assertProblem(response, 403, 'role_not_yours');
});

const publisherSignature = await signDetached(
  signingInput(contract, 'publisher', contract.signatures_map.moneta.signature), publisher.privateKey, publisher.kid);

contract = await step('publisher: POST /signatures completes the contract', async () => {
  const body = await expect(200, 'POST', `/api/v1/contracts/${terms.contract_id}/signatures`, {
    token: publisher.token, json: { role: 'publisher', signature: publisherSignature },
  });
  return body;
});

await check('contract: status is finalized, with finalized_at', async () => {
  assert(contract.status === 'finalized', `status ${contract.status}`);
  assert(typeof contract.finalized_at === 'string', 'no finalized_at');
});

await check('publisher: the same signature again returns the finalized contract', async () => {
  const body = await expect(200, 'POST', `/api/v1/contracts/${terms.contract_id}/signatures`, {
    token: publisher.token, json: { role: 'publisher', signature: publisherSignature },
  });
  assert(body.status === 'finalized', `status ${body.status}`);
});

await check('publisher: another signature for the same role is 409 already_signed', async () => {
  const again = await signDetached(
    signingInput(contract, 'publisher', contract.signatures_map.moneta.signature), publisher.privateKey, publisher.kid);
  const response = await call('POST', `/api/v1/contracts/${terms.contract_id}/signatures`, {
    token: publisher.token, json: { role: 'publisher', signature: again },
  });
  assertProblem(response, 409, 'already_signed');
});

await check('contract: every signature in signatures_map verifies with its signer key, in chain', async () => {
  const finalView = await expect(200, 'GET', `/api/v1/contracts/${terms.contract_id}`, { token: mo.token });
  const keys = {
    mo: await importJWK(mo.publicJwk, 'ES256'),
    publisher: await importJWK(publisher.publicJwk, 'ES256'),
    moneta: monetaKeys,
  };
  const kids = { mo: mo.kid, publisher: publisher.kid };
  let previous = null;
  assert(Object.keys(finalView.signatures_map).length === finalView.signing_order.length, 'a signature is missing');
  for (const role of finalView.signing_order) {
    const entry = finalView.signatures_map[role];
    assert(entry, `no ${role} signature`);
    const header = await verifyDetached(entry.signature, signingInput(finalView, role, previous), keys[role], ['ES256', 'RS256', 'PS256']);
    assert(header.kid === entry.kid, `${role}: signatures_map kid ${entry.kid} but JWS kid ${header.kid}`);
    if (kids[role]) assert(entry.kid === kids[role], `${role}: kid ${entry.kid}`);
    previous = entry.signature;
  }
});

await check('contract: the audit trail is verified (and its hash chain recomputes), with created, signed x3 and finalized', async () => {
  const audit = await expect(200, 'GET', `/api/v1/contracts/${terms.contract_id}/audit`, { token: publisher.token });
  assert(audit.verified === true, `verified ${audit.verified}`);
  assert(audit.contract_id === terms.contract_id, 'other contract_id');
  const types = audit.events.map((e) => e.type).join(',');
  assert(types === 'created,signed,signed,signed,finalized', `events ${types}`);
  // Each previous_hash is the SHA-256 (hex) of the RFC 8785 form of the event before it.
  audit.events.forEach((event, i) => {
    assert(event.sequence === i + 1, `event ${i} has sequence ${event.sequence}`);
    const expected = i === 0 ? null : createHash('sha256').update(canonicalize(audit.events[i - 1])).digest('hex');
    assert(event.previous_hash === expected, `event ${i + 1}: previous_hash ${event.previous_hash}, recomputed ${expected}`);
  });
});

await check('contract: a closed contract takes no rejection (contract_closed)', async () => {
  const signature = await signDetached(signingInput(contract, 'publisher', contract.signatures_map.publisher.signature, 'late'), publisher.privateKey, publisher.kid);
  const response = await call('POST', `/api/v1/contracts/${terms.contract_id}/rejection`, {
    token: publisher.token, json: { role: 'publisher', reason: 'late', signature },
  });
  assertProblem(response, 409, 'contract_closed');
});

// ---------------------------------------------------------------------------------------------------------------
// 5. Rejection and void

await check('keys: the publisher adds a PS256 RSA-2048 key itself (POST /keys)', async () => {
  const { publicKey, privateKey } = await generateKeyPair('PS256', { modulusLength: 2048, extractable: true });
  const kid = `pub-ps256-${randomBytes(4).toString('hex')}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'PS256' };
  const body = await expect(201, 'POST', `/api/v1/organizations/publisher/${publisher.id}/keys`, { token: publisher.token, json: jwk });
  const stored = body.keys.find((k) => k.kid === kid);
  assert(stored?.alg === 'PS256' && stored.status === 'active', `keys ${JSON.stringify(body.keys.map((k) => k.kid))}`);
  publisher.rsa = { kid, publicJwk: jwk, privateKey };
});

await check('keys: an RSA key without alg is refused (invalid_jwk)', async () => {
  const { publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'no-alg' };
  const response = await call('POST', `/api/v1/organizations/publisher/${publisher.id}/keys`, { token: publisher.token, json: jwk });
  assertProblem(response, 400, 'invalid_jwk');
});

await check('rejection: the publisher declines (PS256) with a signature over the terms plus rejection.reason', async () => {
  assert(publisher.rsa, 'no PS256 key (see the check above)');
  const rejectedTerms = { ...terms, contract_id: newContractId(), payload: { amount: '99.00', currency: 'EUR' } };
  const signature = await signDetached(signingInput(rejectedTerms, 'mo', null), mo.privateKey, mo.kid);
  const pending = await expect(201, 'POST', '/api/v1/contracts', { token: mo.token, json: { ...rejectedTerms, signature } });
  const reason = 'Price not agreed with the member';
  const rejectionInput = signingInput(pending, 'publisher', pending.signatures_map.moneta.signature, reason);
  const rejectionJws = await new CompactSign(rejectionInput)
    .setProtectedHeader({ alg: 'PS256', kid: publisher.rsa.kid }).sign(publisher.rsa.privateKey);
  const [h, , sig] = rejectionJws.split('.');
  const rejectionSignature = `${h}..${sig}`;
  const body = await expect(200, 'POST', `/api/v1/contracts/${pending.contract_id}/rejection`, {
    token: publisher.token, json: { role: 'publisher', reason, signature: rejectionSignature },
  });
  assert(body.status === 'rejected', `status ${body.status}`);
  assert(body.rejection?.role === 'publisher' && body.rejection.reason === reason, `rejection ${JSON.stringify(body.rejection)}`);
  assert(body.rejection.signature === rejectionSignature, 'the rejection signature was not kept as sent');
  await verifyDetached(body.rejection.signature,
    signingInput(body, 'publisher', body.signatures_map.moneta.signature, reason), await importJWK(publisher.rsa.publicJwk, 'PS256'), ['PS256']);
  const again = await expect(200, 'POST', `/api/v1/contracts/${pending.contract_id}/rejection`, {
    token: publisher.token, json: { role: 'publisher', reason, signature: rejectionSignature },
  });
  assert(again.status === 'rejected', 'the same rejection again did not return the contract');
});

await check('void: the initiating MO voids a pending contract; the publisher can no longer sign', async () => {
  const voidTerms = { ...terms, contract_id: newContractId() };
  const signature = await signDetached(signingInput(voidTerms, 'mo', null), mo.privateKey, mo.kid);
  const pending = await expect(201, 'POST', '/api/v1/contracts', { token: mo.token, json: { ...voidTerms, signature } });
  assertProblem(await call('POST', `/api/v1/contracts/${pending.contract_id}/void`, { token: publisher.token }), 403, 'not_initiator');
  const voided = await expect(200, 'POST', `/api/v1/contracts/${pending.contract_id}/void`, { token: mo.token });
  assert(voided.status === 'voided', `status ${voided.status}`);
  const late = await signDetached(signingInput(pending, 'publisher', pending.signatures_map.moneta.signature), publisher.privateKey, publisher.kid);
  assertProblem(await call('POST', `/api/v1/contracts/${pending.contract_id}/signatures`, {
    token: publisher.token, json: { role: 'publisher', signature: late },
  }), 409, 'contract_closed');
});

// ---------------------------------------------------------------------------------------------------------------
// 5b. The money path (docs/protocol.md sections 12 and 13): the finalized charge above is disputed and accepted;
// the pair agrees settlement terms, makes another charge, closes its batch early, recomputes lines_digest and the
// figures from the lines endpoint, and both parties sign the settlement contract.

const webhooksOf = (partner) => received.filter((r) => r.path === `/${partner.label}`);

/** A decimal string of a 2-digit currency as an integer number of minor units, and back. */
const toMinor = (amount) => {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(amount);
  assert(match, `not an amount with 2 decimals: ${amount}`);
  const minor = BigInt(match[2]) * 100n + BigInt(match[3]);
  return match[1] ? -minor : minor;
};
const fromMinor = (minor) => {
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};
/** gross x bps / 10000, rounded half-to-even to the minor unit (docs/settlement.md), in integers. */
const shareOf = (grossMinor, bps) => {
  const product = grossMinor * BigInt(bps);
  const quotient = product / 10000n;
  const twiceRemainder = 2n * (product % 10000n);
  if (twiceRemainder > 10000n || (twiceRemainder === 10000n && quotient % 2n !== 0n)) return quotient + 1n;
  return quotient;
};

/** Polls until fn returns a value (not undefined), or fails after the deadline. */
async function eventually(what, fn, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const disputeId = newContractId();
const disputeBody = {
  contract_id: disputeId,
  mo_id: mo.id,
  publisher_id: publisher.id,
  mpass_id: mpass.id,
  disputed_contract_id: terms.contract_id,
  amount: '5.00',
  currency: 'EUR',
  reason_code: 'not_received',
  evidence: [{ type: 'delivery_log', sha256: createHash('sha256').update('interop delivery log').digest('hex') }],
};
const disputeTerms = {
  contract_id: disputeId,
  template_id: 'dispute-contract',
  template_version: 1,
  mo_id: mo.id,
  publisher_id: publisher.id,
  mpass_id: mpass.id,
  payload: {
    disputed_contract_id: disputeBody.disputed_contract_id, amount: disputeBody.amount, currency: disputeBody.currency,
    reason_code: disputeBody.reason_code, evidence: disputeBody.evidence,
  },
};
const disputeMoSignature = await signDetached(signingInput(disputeTerms, 'mo', null), mo.privateKey, mo.kid);

let dispute = await step('dispute: mo files POST /api/v1/events/disputes and Moneta countersigns (201)', async () => {
  const body = await expect(201, 'POST', '/api/v1/events/disputes', { token: mo.token, json: { ...disputeBody, signature: disputeMoSignature } });
  assert(body.template_id === 'dispute-contract' && body.status === 'pending_publisher_signature', `status ${body.status}`);
  assert(canonicalize(body.payload) === canonicalize(disputeTerms.payload), 'the payload is not the dispute members of the flat body');
  await verifyDetached(body.signatures_map.moneta.signature, signingInput(body, 'moneta', disputeMoSignature), monetaKeys, ['ES256', 'RS256', 'PS256']);
  assert(body.dispute?.disputed_contract_id === terms.contract_id && body.dispute.resolution === null, `dispute ${JSON.stringify(body.dispute)}`);
  return body;
});

await check('dispute: a second dispute of the charge while one is open is 409 dispute_already_open', async () => {
  const second = { ...disputeTerms, contract_id: newContractId(), payload: { ...disputeTerms.payload, amount: '1.00' } };
  const signature = await signDetached(signingInput(second, 'mo', null), mo.privateKey, mo.kid);
  assertProblem(await call('POST', '/api/v1/events/disputes', {
    token: mo.token, json: { ...disputeBody, contract_id: second.contract_id, amount: '1.00', signature },
  }), 409, 'dispute_already_open');
});

dispute = await step('dispute: the publisher accepts by signing; resolution accepted', async () => {
  const signature = await signDetached(
    signingInput(dispute, 'publisher', dispute.signatures_map.moneta.signature), publisher.privateKey, publisher.kid);
  const body = await expect(200, 'POST', `/api/v1/contracts/${disputeId}/signatures`, { token: publisher.token, json: { role: 'publisher', signature } });
  assert(body.status === 'finalized' && body.dispute.resolution === 'accepted', `status ${body.status}, ${JSON.stringify(body.dispute)}`);
  return body;
});

await check('dispute: the charge lists the dispute as accepted', async () => {
  await eventually('the charge to list its dispute', async () => {
    const charge = await expect(200, 'GET', `/api/v1/contracts/${terms.contract_id}`, { token: mo.token });
    const listed = (charge.disputes ?? []).find((d) => d.dispute_id === disputeId);
    return listed?.status === 'accepted' && listed.amount === '5.00' ? true : undefined;
  });
});

const settlementTerms = {
  contract_id: newContractId(),
  template_id: 'settlement-terms',
  template_version: 1,
  mo_id: mo.id,
  publisher_id: publisher.id,
  mpass_id: null,
  payload: { currency: 'EUR', period: 'monthly', moneta_fee_bps: 250, mo_share_bps: 1500, minimum_payout: '1.00' },
};

await check('settlement: terms whose shares exceed 10000 bps are 400 settlement_shares_exceed_total', async () => {
  const excessive = { ...settlementTerms, contract_id: newContractId(), payload: { ...settlementTerms.payload, mo_share_bps: 9800 } };
  const signature = await signDetached(signingInput(excessive, 'mo', null), mo.privateKey, mo.kid);
  assertProblem(await call('POST', '/api/v1/contracts', { token: mo.token, json: { ...excessive, signature } }), 400, 'settlement_shares_exceed_total');
});

await step('settlement: terms signed by the MO (mpass_id null), countersigned by Moneta, signed by the publisher', async () => {
  const moSig = await signDetached(signingInput(settlementTerms, 'mo', null), mo.privateKey, mo.kid);
  const proposed = await expect(201, 'POST', '/api/v1/contracts', { token: mo.token, json: { ...settlementTerms, signature: moSig } });
  assert(proposed.mpass_id === null, `mpass_id ${proposed.mpass_id}`);
  await verifyDetached(proposed.signatures_map.moneta.signature, signingInput(proposed, 'moneta', moSig), monetaKeys, ['ES256', 'RS256', 'PS256']);
  const pubSig = await signDetached(signingInput(proposed, 'publisher', proposed.signatures_map.moneta.signature), publisher.privateKey, publisher.kid);
  const agreed = await expect(200, 'POST', `/api/v1/contracts/${settlementTerms.contract_id}/signatures`, { token: publisher.token, json: { role: 'publisher', signature: pubSig } });
  assert(agreed.status === 'finalized', `status ${agreed.status}`);
});

await step('settlement: a second charge of 7.99 EUR, finalized', async () => {
  const charge = { ...terms, contract_id: newContractId(), payload: { amount: '7.99', currency: 'EUR' } };
  const moSig = await signDetached(signingInput(charge, 'mo', null), mo.privateKey, mo.kid);
  const initiated = await expect(201, 'POST', '/api/v1/contracts', { token: mo.token, json: { ...charge, signature: moSig } });
  const pubSig = await signDetached(signingInput(initiated, 'publisher', initiated.signatures_map.moneta.signature), publisher.privateKey, publisher.kid);
  const signed = await expect(200, 'POST', `/api/v1/contracts/${charge.contract_id}/signatures`, { token: publisher.token, json: { role: 'publisher', signature: pubSig } });
  assert(signed.status === 'finalized', `status ${signed.status}`);
});

const openBatch = await step('settlement: the open batch holds the two charges and the accepted dispute', async () =>
  eventually('three lines in the open batch', async () => {
    const listed = await expect(200, 'GET', `/api/v1/settlements?mo_id=${mo.id}&status=open`, { token: mo.token });
    const batch = listed.items.find((b) => b.currency === 'EUR');
    return batch?.line_count === 3 ? batch : undefined;
  }));

let batch = await step('settlement: the publisher closes the batch early (POST /api/v1/events/settlements, 202)', async () => {
  const body = await expect(202, 'POST', '/api/v1/events/settlements', {
    token: publisher.token, json: { mo_id: mo.id, publisher_id: publisher.id, currency: 'EUR' },
  });
  assert(body.batch_id === openBatch.batch_id, `closed ${body.batch_id}, not ${openBatch.batch_id}`);
  return eventually('the batch to await signatures', async () => {
    const view = await expect(200, 'GET', `/api/v1/settlements/${openBatch.batch_id}`, { token: mo.token });
    return view.status === 'awaiting_signatures' && view.settlement_contract_id ? view : undefined;
  });
});

const lines = await step('settlement: the lines, read page by page (limit 2), in digest order', async () => {
  const all = [];
  let cursor = null;
  do {
    const page = await expect(200, 'GET', `/api/v1/settlements/${batch.batch_id}/lines?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: publisher.token });
    all.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  const ids = all.map((l) => l.source_contract_id);
  assert(JSON.stringify(ids) === JSON.stringify([...ids].sort()), `not in source_contract_id order: ${ids}`);
  return all;
});

await check('settlement: lines_digest and line_count recomputed from the lines match the batch', async () => {
  const digest = createHash('sha256').update(encoder.encode(canonicalize(lines))).digest('hex');
  assert(digest === batch.lines_digest, `recomputed ${digest}, batch says ${batch.lines_digest}`);
  assert(lines.length === 3 && batch.line_count === 3, `line_count ${batch.line_count}, ${lines.length} lines`);
  const amounts = lines.map((l) => `${l.kind}:${l.amount}`).sort();
  assert(JSON.stringify(amounts) === JSON.stringify(['charge:12.50', 'charge:7.99', 'dispute:-5.00']), `lines ${amounts}`);
});

await check('settlement: the figures recomputed from the lines and the terms match the batch', async () => {
  const gross = lines.reduce((sum, l) => sum + toMinor(l.amount), 0n) + toMinor(batch.carried_in);
  const fee = shareOf(gross, batch.moneta_fee_bps);
  const moShare = shareOf(gross, batch.mo_share_bps);
  const expected = {
    gross: fromMinor(gross), moneta_fee: fromMinor(fee), mo_share: fromMinor(moShare),
    publisher_payout: fromMinor(gross - fee - moShare), carried_out: '0.00',
  };
  for (const [name, value] of Object.entries(expected)) assert(batch[name] === value, `${name}: batch ${batch[name]}, recomputed ${value}`);
});

let statement = await step('settlement: the settlement contract holds the batch figures, signed by Moneta first', async () => {
  const body = await expect(200, 'GET', `/api/v1/contracts/${batch.settlement_contract_id}`, { token: mo.token });
  assert(body.template_id === 'settlement-contract' && body.status === 'pending_mo_signature', `${body.template_id} ${body.status}`);
  for (const name of ['batch_id', 'currency', 'line_count', 'lines_digest', 'gross', 'moneta_fee', 'mo_share', 'publisher_payout', 'carried_in', 'carried_out']) {
    assert(body.payload[name] === batch[name], `${name}: contract ${body.payload[name]}, batch ${batch[name]}`);
  }
  await verifyDetached(body.signatures_map.moneta.signature, signingInput(body, 'moneta', null), monetaKeys, ['ES256', 'RS256', 'PS256']);
  return body;
});

statement = await step('settlement: the MO signs after Moneta, the publisher after the MO', async () => {
  const moSig = await signDetached(signingInput(statement, 'mo', statement.signatures_map.moneta.signature), mo.privateKey, mo.kid);
  const afterMo = await expect(200, 'POST', `/api/v1/contracts/${statement.contract_id}/signatures`, { token: mo.token, json: { role: 'mo', signature: moSig } });
  const pubSig = await signDetached(signingInput(afterMo, 'publisher', moSig), publisher.privateKey, publisher.kid);
  const signed = await expect(200, 'POST', `/api/v1/contracts/${statement.contract_id}/signatures`, { token: publisher.token, json: { role: 'publisher', signature: pubSig } });
  assert(signed.status === 'finalized', `status ${signed.status}`);
  return signed;
});

await check('settlement: the batch is settled', async () => {
  batch = await eventually('the batch to be settled', async () => {
    const view = await expect(200, 'GET', `/api/v1/settlements/${openBatch.batch_id}`, { token: publisher.token });
    return view.status === 'settled' ? view : undefined;
  });
});

await check('webhooks: both parties hear dispute.opened, dispute.accepted, settlement.awaiting_signature and settlement.settled', async () => {
  const wanted = ['dispute.opened', 'dispute.accepted', 'settlement.awaiting_signature', 'settlement.settled'];
  const heard = (partner) => new Set(webhooksOf(partner).map((r) => JSON.parse(r.body))
    .filter((e) => e.data.contract?.contract_id === disputeId || e.data.batch?.batch_id === openBatch.batch_id)
    .map((e) => e.type));
  await eventually('the money path webhooks', async () =>
    [mo, publisher].every((p) => wanted.every((t) => heard(p).has(t))) ? true : undefined);
});

// ---------------------------------------------------------------------------------------------------------------
// 6. The webhooks of everything above, verified with the official Standard Webhooks library

const typesFor = (partner, contractId) => [...new Map(webhooksOf(partner)
  .map((r) => JSON.parse(r.body))
  .filter((event) => event.data.contract?.contract_id === contractId)
  .map((event) => [event.id, event.type])).values()];

await check('webhooks: the publisher hears awaiting_signature then finalized; the MO hears finalized', async () => {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && (typesFor(publisher, terms.contract_id).length < 2 || typesFor(mo, terms.contract_id).length < 1)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const publisherTypes = typesFor(publisher, terms.contract_id);
  assert(JSON.stringify(publisherTypes) === JSON.stringify(['contract.awaiting_signature', 'contract.finalized']), `publisher got ${publisherTypes}`);
  assert(JSON.stringify(typesFor(mo, terms.contract_id)) === JSON.stringify(['contract.finalized']), `mo got ${typesFor(mo, terms.contract_id)}`);
});

await check('webhooks: the MO also hears of the rejected and the voided contract', async () => {
  const deadline = Date.now() + 20_000;
  const types = () => webhooksOf(mo).map((r) => JSON.parse(r.body).type);
  while (Date.now() < deadline && !(types().includes('contract.rejected') && types().includes('contract.voided'))) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert(types().includes('contract.rejected') && types().includes('contract.voided'), `mo got ${types()}`);
});

await check('webhooks: every delivery verifies with standardwebhooks (the official library), and body.id is webhook-id', async () => {
  assert(received.length > 0, 'nothing received');
  for (const partner of [mo, publisher]) {
    const verifier = new Webhook(partner.webhookSecret);
    for (const request of webhooksOf(partner)) {
      const event = verifier.verify(request.body, request.headers);
      assert(event.id === request.headers['webhook-id'], 'body id differs from webhook-id');
      assert(typeof event.timestamp === 'string' && event.data, 'body lacks timestamp or data');
    }
  }
});

await check('webhooks: a tampered body or another partner\'s secret does not verify', async () => {
  const request = webhooksOf(publisher)[0];
  const refuses = (secret, body) => {
    try {
      new Webhook(secret).verify(body, request.headers);
      return false;
    } catch {
      return true;
    }
  };
  assert(refuses(publisher.webhookSecret, request.body.replace('"contract', '"kontract')), 'a tampered body verified');
  assert(refuses(mo.webhookSecret, request.body), 'the MO secret verified a publisher webhook');
});

receiver.close();
finish();
