import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { join } from 'node:path';
import { ConfigError, loadServerConfig, REPO_ROOT } from './server-config.js';

describe('server configuration', () => {
  test('defaults to demo mode on SQLite under <repo>/data with the embedded broker on 1884', () => {
    const config = loadServerConfig({});
    assert.equal(config.mode, 'demo');
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.httpPort, 3000);
    assert.equal(config.dataDir, join(REPO_ROOT, 'data'));
    assert.equal(config.db, 'sqlite');
    assert.equal(config.sqlitePath, join(REPO_ROOT, 'data', 'acs.sqlite'));
    assert.equal(config.mqttUrl, null);
    assert.equal(config.mqttPort, 1884);
    assert.equal(config.dashboardDir, join(REPO_ROOT, 'dashboard', 'dist'));
    assert.equal(config.sessionTtlMinutes, 480);
    assert.equal(config.siteTimeZone, 'Asia/Shanghai');
  });

  test('reads every variable and lets the SQLite path follow the data folder', () => {
    const config = loadServerConfig({
      ACS_MODE: 'production',
      ACS_HTTP_PORT: '0',
      ACS_DATA_DIR: '/var/lib/acs',
      ACS_MQTT_URL: 'mqtt://broker:1883',
      ACS_MQTT_USERNAME: 'acs-server',
      ACS_MQTT_PASSWORD: 'secret',
      ACS_SESSION_TTL_MINUTES: '60',
      ACS_SITE_TIMEZONE: 'Europe/Berlin',
    });
    assert.equal(config.mode, 'production');
    assert.equal(config.httpPort, 0);
    assert.equal(config.sqlitePath, '/var/lib/acs/acs.sqlite');
    assert.equal(config.mqttUrl, 'mqtt://broker:1883');
    assert.equal(config.mqttPassword, 'secret');
    assert.equal(config.sessionTtlMinutes, 60);
    assert.equal(config.siteTimeZone, 'Europe/Berlin');
  });

  test('overrides from code win, and a data folder override moves the default SQLite file', () => {
    const config = loadServerConfig({ ACS_HTTP_PORT: '8080' }, { httpPort: 0, dataDir: '/tmp/x' });
    assert.equal(config.httpPort, 0);
    assert.equal(config.sqlitePath, '/tmp/x/acs.sqlite');
  });

  test('names every bad variable with its value in one clear error', () => {
    assert.throws(
      () => loadServerConfig({ ACS_MODE: 'staging', ACS_HTTP_PORT: 'eighty', ACS_SITE_TIMEZONE: 'Mars/Olympus' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /ACS_MODE: must be "demo" or "production" \(got "staging"\)/);
        assert.match(err.message, /ACS_HTTP_PORT: must be a number \(got "eighty"\)/);
        assert.match(err.message, /ACS_SITE_TIMEZONE: must be an IANA time zone/);
        return true;
      },
    );
  });

  test('refuses PostgreSQL without a database URL and a port out of range', () => {
    assert.throws(() => loadServerConfig({ ACS_DB: 'postgres' }), /ACS_DATABASE_URL: required when ACS_DB=postgres/);
    assert.throws(() => loadServerConfig({ ACS_MQTT_PORT: '70000' }), /ACS_MQTT_PORT: must be between 0 and 65535/);
  });
});

describe('session and password settings', () => {
  test('sessions last at most 12 h and passwords need 10 characters unless configured otherwise', () => {
    const defaults = loadServerConfig({});
    assert.equal(defaults.sessionMaxHours, 12);
    assert.equal(defaults.passwordMinLength, 10);
    const set = loadServerConfig({ ACS_SESSION_MAX_HOURS: '24', ACS_PASSWORD_MIN_LENGTH: '14' });
    assert.equal(set.sessionMaxHours, 24);
    assert.equal(set.passwordMinLength, 14);
  });

  test('a password minimum below 8 or a session maximum of 0 is refused with the variable named', () => {
    assert.throws(
      () => loadServerConfig({ ACS_PASSWORD_MIN_LENGTH: '6', ACS_SESSION_MAX_HOURS: '0' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /ACS_PASSWORD_MIN_LENGTH: must be at least 8 \(got "6"\)/);
        assert.match(err.message, /ACS_SESSION_MAX_HOURS: must be at least 1 \(got "0"\)/);
        return true;
      },
    );
  });

  test('each process gets its own instance id unless ACS_INSTANCE_ID names one, and a bad one is refused', () => {
    const a = loadServerConfig({}).instanceId;
    const b = loadServerConfig({}).instanceId;
    assert.match(a, new RegExp(`^[A-Za-z0-9.-]+-${process.pid}-[0-9a-f]{6}$`));
    assert.notEqual(a, b);
    assert.equal(loadServerConfig({ ACS_INSTANCE_ID: 'acs-2' }).instanceId, 'acs-2');
    assert.throws(
      () => loadServerConfig({ ACS_INSTANCE_ID: 'two words' }),
      /ACS_INSTANCE_ID: must be 1 to 64 letters, digits, dots, dashes or underscores \(got "two words"\)/,
    );
  });
});
