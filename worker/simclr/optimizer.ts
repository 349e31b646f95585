// The optimisers of a SimCLR run — LARS (lars.ts), SGD with momentum, AdamW — behind one
// interface: the learning rate is set every step from the schedule, and the whole
// optimiser state can be exported and imported as named tensors for checkpoints.
//
// Weight-decay rule, the same for all three: kernels decay; biases and batch-norm γ/β
// (every rank-0/1 parameter) do not, as in SimCLR's LARS (which also exempts them from
// layer adaptation) and in common SGD/AdamW practice for BN networks.
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from './config.ts';
import type { NamedVariable } from './model.ts';
import { larsUpdate } from './lars.ts';

export interface NamedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

export interface SimclrOptimizer {
  readonly kind: TrainConfig['optimizer'];
  /** Sets the learning rate of the next applyGradients (call every step with the schedule's value). */
  setLearningRate(lr: number): void;
  getLearningRate(): number;
  /** Number of updates applied so far (restored by setState). */
  getStep(): number;
  /**
   * Applies one update. grads: keyed by each parameter's engine variable name
   * (variable.name), i.e. exactly what tf.variableGrads returns. Does not dispose grads.
   */
  applyGradients(grads: tf.NamedTensorMap): void;
  /** Copies of every slot ('<param>/<slot>') and the step counter ('step'); the caller owns and disposes them. */
  getState(): NamedTensor[];
  /** Restores a getState() result (copied, not taken over). Throws, changing nothing, on a missing, unknown or misshapen entry. */
  setState(state: readonly NamedTensor[]): void;
  dispose(): void;
}

/** Biases and batch-norm γ/β: no weight decay, no LARS adaptation. By shape (rank ≤ 1) and, to be explicit, by name. */
export function isExcludedFromDecay(param: NamedVariable): boolean {
  return param.variable.rank <= 1 || /\/(bias|gamma|beta)$/.test(param.name);
}

/** Update rule of one parameter: given its slots, returns the new value and new slots (inside a tidy). */
type UpdateRule = (args: {
  param: tf.Tensor;
  grad: tf.Tensor;
  slots: tf.Tensor[];
  lr: number;
  step: number; // 1-based number of this update
  decay: boolean;
}) => { param: tf.Tensor; slots: tf.Tensor[] };

interface Rule {
  readonly slotNames: readonly string[];
  readonly update: UpdateRule;
}

const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

function larsRule(momentum: number, weightDecay: number): Rule {
  return {
    slotNames: ['momentum'],
    update: ({ param, grad, slots, lr, decay }) => {
      const next = larsUpdate(param, grad, slots[0], { learningRate: lr, momentum, weightDecay, adapt: decay });
      return { param: next.param, slots: [next.velocity] };
    },
  };
}

/** SGD with (PyTorch-style) momentum and coupled L2 weight decay: v ← μv + g + wd·w; w ← w − lr·v. */
function sgdRule(momentum: number, weightDecay: number): Rule {
  return {
    slotNames: ['momentum'],
    update: ({ param, grad, slots, lr, decay }) => {
      const g = decay && weightDecay > 0 ? tf.add(grad, tf.mul(param, weightDecay)) : grad;
      const velocity = tf.add(tf.mul(slots[0], momentum), g);
      return { param: tf.sub(param, tf.mul(velocity, lr)), slots: [velocity] };
    },
  };
}

/**
 * AdamW (Loshchilov & Hutter 2019), as torch.optim.AdamW: decoupled decay w ← w(1 − lr·wd),
 * then the bias-corrected Adam step. β1 = config.momentum (0.9), β2 = 0.999, ε = 1e-8.
 */
function adamwRule(beta1: number, weightDecay: number): Rule {
  return {
    slotNames: ['m', 'v'],
    update: ({ param, grad, slots, lr, step, decay }) => {
      const decayed = decay && weightDecay > 0 ? tf.mul(param, 1 - lr * weightDecay) : param;
      const m = tf.add(tf.mul(slots[0], beta1), tf.mul(grad, 1 - beta1));
      const v = tf.add(tf.mul(slots[1], ADAM_BETA2), tf.mul(tf.square(grad), 1 - ADAM_BETA2));
      const mHat = tf.div(m, 1 - beta1 ** step);
      const vHat = tf.div(v, 1 - ADAM_BETA2 ** step);
      const update = tf.div(mHat, tf.add(tf.sqrt(vHat), ADAM_EPSILON));
      return { param: tf.sub(decayed, tf.mul(update, lr)), slots: [m, v] };
    },
  };
}

const STEP_NAME = 'step';

/** A non-trainable variable of zeros shaped like `like` (the temporary zeros are released). */
function zerosVariable(like: tf.Tensor): tf.Variable {
  const zeros = tf.zerosLike(like);
  const variable = tf.variable(zeros, false);
  zeros.dispose();
  return variable;
}

class SlotOptimizer implements SimclrOptimizer {
  readonly kind: TrainConfig['optimizer'];
  private readonly rule: Rule;
  private readonly params: readonly NamedVariable[];
  /** Per parameter, its slot variables in rule.slotNames order. */
  private readonly slots: Map<string, tf.Variable[]>;
  private lr: number;
  private step = 0;

  constructor(kind: TrainConfig['optimizer'], rule: Rule, params: readonly NamedVariable[], lr: number) {
    this.kind = kind;
    this.rule = rule;
    this.params = params;
    this.lr = lr;
    this.slots = new Map(params.map((p) => [p.name, rule.slotNames.map(() => zerosVariable(p.variable))] as const));
  }

  setLearningRate(lr: number): void {
    if (!Number.isFinite(lr) || lr < 0) throw new RangeError(`learning rate must be a finite number ≥ 0, got ${lr}`);
    this.lr = lr;
  }

  getLearningRate(): number {
    return this.lr;
  }

  getStep(): number {
    return this.step;
  }

  applyGradients(grads: tf.NamedTensorMap): void {
    const step = this.step + 1;
    // Check every gradient first, so a missing one cannot leave a half-applied update.
    for (const p of this.params) {
      const grad = grads[p.variable.name];
      if (!grad) throw new Error(`no gradient for parameter '${p.name}' (variable ${p.variable.name})`);
      if (!tf.util.arraysEqual(grad.shape, p.variable.shape)) {
        throw new Error(`gradient of '${p.name}' has shape [${grad.shape}], the parameter [${p.variable.shape}]`);
      }
    }
    for (const p of this.params) {
      const grad = grads[p.variable.name]!;
      const slots = this.slots.get(p.name)!;
      tf.tidy(() => {
        const next = this.rule.update({ param: p.variable, grad, slots, lr: this.lr, step, decay: !isExcludedFromDecay(p) });
        p.variable.assign(next.param);
        next.slots.forEach((value, i) => slots[i].assign(value));
      });
    }
    this.step = step;
  }

  getState(): NamedTensor[] {
    const state: NamedTensor[] = [{ name: STEP_NAME, tensor: tf.scalar(this.step, 'int32') }];
    for (const p of this.params) {
      this.slots.get(p.name)!.forEach((slot, i) => state.push({ name: `${p.name}/${this.rule.slotNames[i]}`, tensor: tf.clone(slot) }));
    }
    return state;
  }

  setState(state: readonly NamedTensor[]): void {
    const byName = new Map(state.map((s) => [s.name, s.tensor]));
    const foreign = `the checkpoint's ${this.kind} optimiser state does not match this model`;
    const expected = new Set([STEP_NAME]);
    // Validate everything before assigning anything, so a bad state changes nothing.
    for (const p of this.params) {
      for (const slotName of this.rule.slotNames) {
        const name = `${p.name}/${slotName}`;
        expected.add(name);
        const tensor = byName.get(name);
        if (!tensor) throw new Error(`${foreign}: '${name}' is missing`);
        if (!tf.util.arraysEqual(tensor.shape, p.variable.shape)) {
          throw new Error(`${foreign}: '${name}' has shape [${tensor.shape}], expected [${p.variable.shape}]`);
        }
      }
    }
    const step = byName.get(STEP_NAME);
    if (!step || step.size !== 1) throw new Error(`${foreign}: the step counter is missing`);
    const unknown = state.find((s) => !expected.has(s.name));
    if (unknown) throw new Error(`${foreign}: unexpected entry '${unknown.name}'`);
    const stepValue = step.dataSync()[0];
    if (!Number.isInteger(stepValue) || stepValue < 0) throw new Error(`${foreign}: invalid step ${stepValue}`);

    for (const p of this.params) {
      this.slots.get(p.name)!.forEach((slot, i) =>
        tf.tidy(() => slot.assign(tf.cast(byName.get(`${p.name}/${this.rule.slotNames[i]}`)!, slot.dtype))),
      );
    }
    this.step = stepValue;
  }

  dispose(): void {
    for (const slots of this.slots.values()) slots.forEach((s) => s.dispose());
    this.slots.clear();
  }
}

/**
 * The optimiser named by config.optimizer over `params` (trainableVariables(encoder, head)),
 * starting at learning rate config.lr: LARS (η = 0.001, momentum config.momentum),
 * SGD with momentum, or AdamW; weight decay config.weightDecay, excluding biases and BN.
 */
export function createOptimizer(
  config: Pick<TrainConfig, 'optimizer' | 'lr' | 'weightDecay' | 'momentum'>,
  params: readonly NamedVariable[],
): SimclrOptimizer {
  if (params.length === 0) throw new Error('createOptimizer: there are no parameters to optimise');
  const names = new Set(params.map((p) => p.name));
  if (names.size !== params.length) throw new Error('createOptimizer: parameter names must be unique');
  const rules: Record<TrainConfig['optimizer'], () => Rule> = {
    lars: () => larsRule(config.momentum, config.weightDecay),
    sgd: () => sgdRule(config.momentum, config.weightDecay),
    adamw: () => adamwRule(config.momentum, config.weightDecay),
  };
  const rule = rules[config.optimizer];
  if (!rule) throw new Error(`unknown optimizer '${config.optimizer}' (expected lars, sgd or adamw)`);
  return new SlotOptimizer(config.optimizer, rule(), params, config.lr);
}
