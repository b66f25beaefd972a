import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isValidCredential } from '@acs/shared/credentials/credential';

/** A canonical credential string: `em4100:<tag>`, `<format>:<facility>:<card>`, `uid:<hex>` or `raw:<bits>:<hex>`. */
export function IsCredential(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCredential',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isValidCredential(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'credential'} must be a credential such as em4100:3887558, h10301:123:4567, uid:04a1b2c3 or raw:26:2f623ae`,
      },
    },
    options,
  );
}
