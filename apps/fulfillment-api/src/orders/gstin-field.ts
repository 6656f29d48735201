import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';
import { gstinFault, normalizeGstin } from '@fulfil/domain';

const EXAMPLE = '29AAICA3918J1ZE';
const DESCRIPTION = 'GSTIN; lower case is accepted and stored in capitals. Format, state code and check character are verified';

/** The domain's GSTIN check at the HTTP edge, so a bad GSTIN gets the same one-fault message in the 400. */
const IsGstin = () =>
  ValidateBy({
    name: 'isGstin',
    validator: {
      validate: (value: unknown) => gstinFault(value) === undefined,
      defaultMessage: (args) => gstinFault(args?.value) ?? 'must be a GSTIN',
    },
  });

const Normalised = () => Transform(({ value }: { value: unknown }) => normalizeGstin(value));

export const GstinField = () => applyDecorators(ApiProperty({ example: EXAMPLE, description: DESCRIPTION }), Normalised(), IsGstin());

export const OptionalGstinField = () => applyDecorators(ApiPropertyOptional({ example: EXAMPLE, description: DESCRIPTION }), Normalised(), IsOptional(), IsGstin());
