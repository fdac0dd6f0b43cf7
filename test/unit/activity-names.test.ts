import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createActivities, type SceneActivities } from '../../src/activities';
import { defaultCatalogue } from '../../src/config/catalogue';
import { checkTaskActivityType, pollStatusActivityType } from '../../src/contract/activities';

// Compile-time: the contract's name is one of the activities' keys, so renaming the activity breaks the build here.
const typed: keyof SceneActivities = pollStatusActivityType;
const typedCheck: keyof SceneActivities = checkTaskActivityType;

describe('activity names in the contract', () => {
  it('pollStatusActivityType and checkTaskActivityType are the keys the worker registers the polls under (clients read their heartbeats by them)', () => {
    // Building the activities does no I/O: nothing here reaches S3 or a provider.
    const activities: Record<string, unknown> = createActivities({
      catalogue: defaultCatalogue,
      providers: {},
      s3: new S3Client({ region: 'us-east-1' }),
      storage: { bucket: 'b', prefix: 'p', failureMode: 'fail' },
      download: { maxBytes: 64 * 1024 * 1024 },
    });
    expect(typed).toBe('pollStatus');
    expect(Object.keys(activities)).toContain(pollStatusActivityType);
    expect(activities[pollStatusActivityType]).toBeTypeOf('function');
    expect(typedCheck).toBe('checkTask');
    expect(activities[checkTaskActivityType]).toBeTypeOf('function');
  });
});
