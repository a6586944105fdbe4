export * from './token.types';
export * from './clock';
export * from './key-ring';
export * from './token.service';
export * from './revocation.service';
export * from './tokens.module';
export * from './grant-store';
