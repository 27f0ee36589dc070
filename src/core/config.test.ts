import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDARIES_ATTRIBUTION, readConfig } from './config.js';

describe('readConfig', () => {
  it('has working defaults: the embedded store in ./.accord, port 3000 on loopback', () => {
    const config = readConfig({}, '/srv/accord');
    expect(config).toMatchObject({
      ok: true,
      value: {
        dataDir: '/srv/accord/.accord',
        databaseUrl: undefined,
        host: '127.0.0.1',
        port: 3000,
        oidc: undefined,
      },
    });
  });

  it('names each wrong variable and what it should be', () => {
    const config = readConfig({
      PORT: '70000',
      DATABASE_URL: 'not a url',
      ACCORD_LOG_LEVEL: 'loud',
      ACCORD_OIDC_ISSUER: 'http://idp.example',
    });
    expect(config.ok).toBe(false);
    if (config.ok) return;
    const byVariable: Record<string, string> = Object.fromEntries(
      config.error.map((issue) => [issue.path ?? '', issue.message]),
    );
    expect(byVariable.PORT).toMatch(/not a port number/);
    expect(byVariable.DATABASE_URL).toMatch(/postgresql:\/\//);
    expect(byVariable.ACCORD_LOG_LEVEL).toMatch(/not one of/);
    expect(byVariable['ACCORD_OIDC_CLIENT_ID, ACCORD_OIDC_CLIENT_SECRET']).toMatch(/needs all three/);
    expect(byVariable.ACCORD_OIDC_ISSUER).toMatch(/https:\/\//);
  });

  it('enables OpenID Connect only when all three variables are set', () => {
    const config = readConfig({
      ACCORD_OIDC_ISSUER: 'https://login.example.nhs.uk',
      ACCORD_OIDC_CLIENT_ID: 'accord',
      ACCORD_OIDC_CLIENT_SECRET: 'secret',
    });
    expect(config.ok && config.value.oidc?.issuer.href).toBe('https://login.example.nhs.uk/');
  });

  it('enables NHS login with its issuer, client id and a readable private key, and names what is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
    try {
      const keyFile = join(dir, 'nhs-login.pem');
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      writeFileSync(join(dir, 'not-a-key.pem'), 'hello');
      const good = readConfig(
        {
          ACCORD_NHS_LOGIN_ISSUER: 'https://auth.login.nhs.uk',
          ACCORD_NHS_LOGIN_CLIENT_ID: 'accord',
          ACCORD_NHS_LOGIN_PRIVATE_KEY_FILE: 'nhs-login.pem',
        },
        dir,
      );
      expect(good.ok && good.value.nhsLogin?.privateKeyPem).toContain('PRIVATE KEY');
      const bad = readConfig(
        {
          ACCORD_NHS_LOGIN_ISSUER: 'http://auth.login.nhs.uk',
          ACCORD_NHS_LOGIN_PRIVATE_KEY_FILE: 'not-a-key.pem',
        },
        dir,
      );
      expect(bad.ok).toBe(false);
      if (bad.ok) return;
      const byVariable = Object.fromEntries(bad.error.map((issue) => [issue.path ?? '', issue.message]));
      expect(byVariable.ACCORD_NHS_LOGIN_CLIENT_ID).toMatch(/needs all three/);
      expect(byVariable.ACCORD_NHS_LOGIN_ISSUER).toMatch(/https:\/\//);
      expect(byVariable.ACCORD_NHS_LOGIN_PRIVATE_KEY_FILE).toMatch(/not a readable PEM private key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("puts $import's files under the data directory unless ACCORD_IMPORT_DIR names an existing folder", () => {
    const defaults = readConfig({ ACCORD_DATA_DIR: '/srv/data' }, '/srv/accord');
    expect(defaults.ok && defaults.value.importDir).toBe('/srv/data/imports');
    const dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
    try {
      mkdirSync(join(dir, 'imports'));
      writeFileSync(join(dir, 'a-file'), 'not a folder');
      const set = readConfig({ ACCORD_IMPORT_DIR: 'imports' }, dir);
      expect(set.ok && set.value.importDir).toBe(join(dir, 'imports'));
      for (const wrong of ['missing', 'a-file']) {
        const refused = readConfig({ ACCORD_IMPORT_DIR: wrong }, dir);
        expect(refused.ok).toBe(false);
        if (refused.ok) continue;
        expect(refused.error).toEqual([
          { path: 'ACCORD_IMPORT_DIR', message: expect.stringContaining('is not an existing folder') },
        ]);
        expect(refused.error[0]?.message).toContain(join(dir, wrong));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes boundary files for the map from ACCORD_BOUNDARIES, with the OGL and OS line unless told another', () => {
    const none = readConfig({});
    expect(none.ok && none.value.boundaries).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'accord-config-'));
    try {
      writeFileSync(join(dir, 'las.geojson'), '{}');
      const set = readConfig(
        { ACCORD_BOUNDARIES: 'las.geojson', ACCORD_BOUNDARIES_PROPERTY: 'LAD19CD' },
        dir,
      );
      expect(set.ok && set.value.boundaries).toEqual({
        path: join(dir, 'las.geojson'),
        property: 'LAD19CD',
        attribution: DEFAULT_BOUNDARIES_ATTRIBUTION,
      });
      expect(DEFAULT_BOUNDARIES_ATTRIBUTION).toContain(
        'Contains OS data © Crown copyright and database right',
      );
      const told = readConfig({ ACCORD_BOUNDARIES: dir, ACCORD_BOUNDARIES_ATTRIBUTION: 'Source: ONS' }, dir);
      expect(told.ok && told.value.boundaries?.attribution).toBe('Source: ONS');
      const missing = readConfig({ ACCORD_BOUNDARIES: 'nowhere.geojson' }, dir);
      expect(!missing.ok && missing.error).toEqual([
        {
          path: 'ACCORD_BOUNDARIES',
          message: expect.stringMatching(/nowhere\.geojson does not exist.*unset/),
        },
      ]);
      const alone = readConfig({ ACCORD_BOUNDARIES_PROPERTY: 'LAD19CD' }, dir);
      expect(!alone.ok && alone.error[0]?.message).toMatch(/goes with ACCORD_BOUNDARIES/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
