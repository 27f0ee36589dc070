import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

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
});
