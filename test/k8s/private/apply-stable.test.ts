import { Chart } from 'cdk8s';
import { ApplyStableStatefulSet } from '../../../lib/k8s/private/apply-stable';
import { newChart, synth, validateAgainstSchemas } from '../../support/manifests';

const statefulSet = (chart: Chart, volumeClaimTemplates: Array<{ metadata: { name: string }; spec: object }>) => new ApplyStableStatefulSet(chart, 'sts', {
  metadata: { name: 'db' },
  spec: {
    serviceName: 'db',
    selector: { matchLabels: { app: 'db' } },
    template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } },
    volumeClaimTemplates,
  },
});

describe('ApplyStableStatefulSet', () => {
  test('writes each claim template as the API server stores it: apiVersion, kind and status added, nothing else changed', () => {
    const chart = newChart();
    statefulSet(chart, [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }]);
    const [sts] = synth(chart);
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] }, status: { phase: 'Pending' },
    }]);
    validateAgainstSchemas([sts]);
  });
});
