/** Worker-side entry: the mesh simulation runner. */
export * from './mesh-simulation.runner.js';
