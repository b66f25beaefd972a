import { HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiException } from './api-exception.js';

/** Flattens class-validator's error tree into readable `path: problem` lines. */
export function validationMessages(errors: readonly ValidationError[], parent = ''): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      // class-validator messages start with the property name; show the full path instead.
      out.push(message.startsWith(`${error.property} `) ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`);
    }
    if (error.children?.length) out.push(...validationMessages(error.children, path));
  }
  return out;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ApiException(HttpStatus.BAD_REQUEST, 'validation_failed', validationMessages(errors)),
  });
}
