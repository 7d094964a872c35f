export { labCommand } from './lab';
export { coordinatorCommand, edgeCommand, receiverCommand } from './roles';
export { trialCommand } from './trial';
