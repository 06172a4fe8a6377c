import { ClusterSecurity } from '../../lib';

describe('ClusterSecurity', () => {
  test('insecure() is named and explicit', () => {
    const s = ClusterSecurity.insecure();
    expect(s.mode).toBe('insecure');
    expect(s.isSecure).toBe(false);
    expect(s._connectionFlags()).toEqual(['--insecure']);
  });
});
