import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { ValidationError } from '@fulfil/domain';
import { ProblemError, problem } from '@fulfil/platform';
import { ProjectionStatus } from '@fulfil/read-models';

/** The longest a query waits for the read models; longer would hold connections for a projection that is stuck. */
export const READ_WAIT_LIMIT_MS = 5_000;
export const MIN_POSITION_HEADER = 'x-min-position';
const POSITION = /^[0-9]{1,40}$/;

/** Queries answered from read models accept the position a command returned, to read their own writes. */
export class FreshReadQueryDto {
  @ApiPropertyOptional({
    description: `Wait (up to ${READ_WAIT_LIMIT_MS} ms) until the read models include this store position: the \`position\` a command answered. Also accepted as the \`X-Min-Position\` header.`,
    example: '42',
  })
  @IsOptional()
  @IsString()
  @Matches(POSITION, { message: 'minPosition must be a store position (digits) from a command response' })
  minPosition?: string;
}

interface HeaderBag {
  headers: Record<string, string | string[] | undefined>;
}

@Injectable()
export class ReadYourWrites {
  constructor(private readonly projections: ProjectionStatus) {}

  /** Returns once the read models reach the position asked for (by parameter or header), or refuses with 503. */
  async awaitRequested(request: HeaderBag, query: FreshReadQueryDto): Promise<void> {
    const header = request.headers[MIN_POSITION_HEADER];
    const asked = query.minPosition ?? (Array.isArray(header) ? header[0] : header);
    if (asked === undefined) return;
    const field = query.minPosition !== undefined ? 'minPosition' : MIN_POSITION_HEADER;
    if (!POSITION.test(asked)) throw new ValidationError([{ field, message: 'must be a store position (digits) from a command response' }]);
    // No command has answered a position the store has not written: waiting for one would only end in a misleading 503.
    const head = await this.projections.headPosition();
    if (BigInt(asked) > head) throw new ValidationError([{ field, message: `is beyond the last position written (${head}); pass the position a command answered` }]);
    if (await this.projections.waitForPosition(BigInt(asked), READ_WAIT_LIMIT_MS)) return;
    throw new ProblemError(
      problem(503, 'READ_MODELS_BEHIND', 'Read models behind', `The read models did not reach position ${asked} within ${READ_WAIT_LIMIT_MS} ms; retry shortly`, { minPosition: asked }),
      { 'retry-after': '1' },
    );
  }
}
