import { cpus, release, totalmem } from 'node:os';
import { tools } from '../../dev/stack/tool-versions';

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  temporalCli: string;
  versitygw: string;
}

export function describeMachine(): Machine {
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: `${process.platform} ${release()}`,
    temporalCli: tools.temporal.version,
    versitygw: tools.versitygw.version,
  };
}

export function machineLine(m: Machine): string {
  return (
    `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.kernel}, ` +
    `Temporal CLI ${m.temporalCli}, versitygw ${m.versitygw}`
  );
}
