import { MemoryLogger } from '../../src/logger.js';
import { redact, Redactor, REDACTED, redactingLogger, secretsOf, urlUserinfo } from '../../src/secrets.js';

describe('secretsOf', () => {
  it('lists the whole URL and the password in raw, decoded and encoded forms', () => {
    const url = 'postgres://app:p%40ss%3Aw%2Frd%2540@db.example.com:5432/prod';
    const s = secretsOf(url);
    expect(s).toContain(url);
    expect(s).toContain('p%40ss%3Aw%2Frd%2540'); // as written
    expect(s).toContain('p@ss:w/rd%40'); // decoded: what the server and error messages see
    expect(s[0]).toBe(url); // longest first
  });

  it('handles a password with unencoded special characters that is not a valid URL', () => {
    const url = 'postgres://app:p@ss:w/rd%40@db:5432/prod';
    const text = `failed for ${url} using p@ss:w/rd%40`;
    const out = redact(text, secretsOf(url));
    expect(out).not.toContain('p@ss');
    expect(out).not.toContain('w/rd');
  });

  it('a password with an unencoded @ or /: the whole user:password part and the password, never a piece the URL parser made of it', () => {
    const url = 'postgres://deployer:pa@ssword/2024@127.0.0.1:55432/t3';
    const s = secretsOf(url);
    expect(s).toContain('deployer:pa@ssword/2024');
    expect(s).toContain('pa@ssword/2024');
    // the WHATWG parser reads password "pa" and host "ssword": neither is a secret to redact
    expect(s).not.toContain('pa');
    expect(redact('could not parse pa@ssword/2024 nor deployer:pa@ssword/2024', s)).toBe(
      `could not parse ${REDACTED} nor ${REDACTED}`,
    );
    for (const bad of [
      'postgres://u:Qx9@Zk/7Wv#Jm?Rt@db:5432/prod',
      'postgres://u:12/ab@db/prod',
      'postgres://u:12?ab@db/prod',
      'postgres://u:ab#cd@db/prod',
    ]) {
      const password = bad.slice('postgres://u:'.length, bad.lastIndexOf('@'));
      expect(secretsOf(bad)).toContain(password);
      expect(secretsOf(bad)).toContain(`u:${password}`);
    }
  });

  it('an @ in a query value is not part of the password', () => {
    const url = 'postgres://app:pw1234@db/prod?application_name=me@laptop';
    expect(secretsOf(url)).toContain('pw1234');
    expect(secretsOf(url)).toContain('app:pw1234');
    expect(redact('user app, application me@laptop', secretsOf(url))).toBe('user app, application me@laptop');
  });

  it('has no password entry for an empty password, but still treats the URL as secret', () => {
    const url = 'postgres://app:@db/prod';
    expect(secretsOf(url)).toEqual([url]);
    expect(redact('user app on db', secretsOf(url))).toBe('user app on db');
  });

  it('handles unicode passwords in both spellings', () => {
    const url = `postgres://app:${encodeURIComponent('пароль🔑')}@db/prod`;
    const s = secretsOf(url);
    expect(s).toContain('пароль🔑');
    expect(s).toContain(encodeURIComponent('пароль🔑'));
    expect(redact('password "пароль🔑" rejected', s)).toBe(`password "${REDACTED}" rejected`);
  });

  it('finds password= in key=value DSNs, quoted or not', () => {
    expect(secretsOf("host=db password='se cr\\'et' user=app")).toContain("se cr'et");
    expect(secretsOf('host=db password=hunter2 user=app')).toContain('hunter2');
  });

  it('finds a password given as a query parameter', () => {
    expect(secretsOf('postgres://db/prod?user=app&password=qp-secret')).toContain('qp-secret');
  });
});

describe('redact', () => {
  it('replaces every occurrence, regex metacharacters included', () => {
    expect(redact('a.b*c a.b*c axbxc', ['a.b*c'])).toBe(`${REDACTED} ${REDACTED} axbxc`);
  });
  it('prefers the longest secret so a URL is replaced whole', () => {
    const url = 'postgres://u:pw1234@h/d';
    expect(redact(`connect ${url}`, secretsOf(url))).toBe(`connect ${REDACTED}`);
  });
  it('leaves text alone when there are no secrets', () => {
    expect(redact('nothing', [])).toBe('nothing');
    expect(redact('nothing', [''])).toBe('nothing');
  });
});

describe('Redactor', () => {
  it('collects secrets and URLs over time', () => {
    const r = new Redactor().add('tok-123', '').addUrl('postgres://u:pa%24%24@h/d');
    expect(r.redact('tok-123 pa$$ pa%24%24 fine')).toBe(`${REDACTED} ${REDACTED} ${REDACTED} fine`);
    expect(r.size).toBeGreaterThanOrEqual(3);
  });
});

describe('redactingLogger', () => {
  it('scrubs every level, including secrets added after it was made', () => {
    const inner = new MemoryLogger();
    const redactor = new Redactor();
    const logger = redactingLogger(inner, redactor);
    logger.info('before: hunter2');
    redactor.add('hunter2');
    logger.debug('d hunter2');
    logger.info('i hunter2');
    logger.warn('w hunter2');
    logger.error('e hunter2');
    expect(inner.lines.map((l) => l.message)).toEqual([
      'before: hunter2',
      `d ${REDACTED}`,
      `i ${REDACTED}`,
      `w ${REDACTED}`,
      `e ${REDACTED}`,
    ]);
  });
});

describe('urlUserinfo', () => {
  it('reads the authority as URL parsers do: its last @ ends the user:password (Azure user@server names work)', () => {
    expect(urlUserinfo('postgres://myadmin@srv:pa@ss@localhost:5432/app')).toEqual({
      userinfo: 'myadmin@srv:pa@ss',
      password: 'pa@ss',
      ambiguous: false,
    });
    expect(urlUserinfo('postgres://u:p%40ss@h/db?application_name=me@laptop')?.ambiguous).toBe(false);
    expect(urlUserinfo('postgres:///db?host=/tmp')).toBeUndefined();
  });

  it('an @ after the authority is ambiguous: the password held a / ? or # (or the database name an @)', () => {
    expect(urlUserinfo('postgres://u:pa@ss/2024@127.0.0.1:5432/t3')).toMatchObject({
      password: 'pa@ss/2024',
      ambiguous: true,
    });
    expect(urlUserinfo('postgres://u:pa?ss@h/db')?.ambiguous).toBe(true);
    expect(urlUserinfo('postgres://u:pa#ss@h/db')?.ambiguous).toBe(true);
    expect(urlUserinfo('postgres://postgres@localhost/my@db')?.ambiguous).toBe(true);
  });
});
