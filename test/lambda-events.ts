// Lambda events built the way API Gateway, Function URLs, ALB and EventBridge deliver them, each
// checked against the Powertools Zod schemas of the real shapes before use, and the handler's
// result turned back into a Fetch Response: a `fetch` for the conformance suite.
import {
  AlbSchema,
  APIGatewayProxyEventSchema,
  APIGatewayProxyEventV2Schema,
  EventBridgeSchema,
  LambdaFunctionUrlSchema,
} from '@aws-lambda-powertools/parser/schemas';
import type { ALBEvent, APIGatewayProxyEvent, APIGatewayProxyEventV2, Context, EventBridgeEvent } from 'aws-lambda';

export type Encoding = 'apigw-v2' | 'apigw-v1' | 'function-url' | 'alb';
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
export const CONTEXT = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'edgeserve',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:edgeserve',
  memoryLimitInMB: '1024',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/edgeserve',
  logStreamName: '2026/11/23/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} satisfies Context;

async function bodyOf(init?: RequestInit): Promise<string | null> {
  if (init?.body === undefined || init.body === null) return null;
  const bytes = new Uint8Array(await new Response(init.body as BodyInit).arrayBuffer());
  return Buffer.from(bytes).toString('base64'); // API Gateway base64-encodes binary (and here, all) bodies
}

function headersOf(init?: RequestInit): Record<string, string> {
  const h: Record<string, string> = {};
  new Headers(init?.headers).forEach((v, k) => (h[k] = v));
  return h;
}

function splitQuery(pathAndQuery: string): { path: string; query: string } {
  const q = pathAndQuery.indexOf('?');
  return q < 0 ? { path: pathAndQuery, query: '' } : { path: pathAndQuery.slice(0, q), query: pathAndQuery.slice(q + 1) };
}

function queryParams(query: string) {
  if (!query) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    single[k] = v;
    (multi[k] ??= []).push(v);
  }
  return { single, multi };
}

export async function httpEvent(encoding: Encoding, pathAndQuery: string, init?: RequestInit): Promise<unknown> {
  const method = init?.method ?? 'GET';
  const headers = headersOf(init);
  const body = await bodyOf(init);
  const { path, query } = splitQuery(pathAndQuery);
  if (encoding === 'apigw-v2' || encoding === 'function-url') {
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: query,
      headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', ...headers },
      queryStringParameters: queryParams(query).single ?? undefined,
      requestContext: {
        accountId: encoding === 'function-url' ? 'anonymous' : '123456789012',
        apiId: 'abc123',
        domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
        domainPrefix: 'abc123',
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
        requestId: 'id',
        routeKey: '$default',
        stage: '$default',
        time: '23/Nov/2026:12:00:00 +0000',
        timeEpoch: NOW,
      },
      body: body ?? undefined,
      isBase64Encoded: body !== null,
    };
    (encoding === 'function-url' ? LambdaFunctionUrlSchema : APIGatewayProxyEventV2Schema).parse(event);
    return event;
  }
  const { single, multi } = queryParams(query);
  const multiHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  if (encoding === 'alb') {
    const event: ALBEvent = {
      requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/edgeserve/50dc6c495c0c9188' } },
      httpMethod: method,
      path,
      multiValueQueryStringParameters: multi ?? {},
      multiValueHeaders: multiHeaders,
      body: body ?? '',
      isBase64Encoded: body !== null,
    };
    AlbSchema.parse(event);
    return event;
  }
  const event: APIGatewayProxyEvent = {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: multiHeaders,
    queryStringParameters: single,
    multiValueQueryStringParameters: multi,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012', apiId: 'abc123', authorizer: null, protocol: 'HTTP/1.1', httpMethod: method, path: `/prod${path}`,
      stage: 'prod', requestId: 'id', requestTime: '23/Nov/2026:12:00:00 +0000', requestTimeEpoch: NOW, resourceId: 'r1', resourcePath: '/{proxy+}',
      identity: {
        accessKey: null, accountId: null, apiKey: null, apiKeyId: null, caller: null, clientCert: null, cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null, cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null, sourceIp: '127.0.0.1',
        user: null, userAgent: 'test', userArn: null,
      },
    },
    body,
    isBase64Encoded: body !== null,
  };
  APIGatewayProxyEventSchema.parse(event);
  return event;
}

export function scheduledEvent(): EventBridgeEvent<'Scheduled Event', Record<string, never>> {
  const event = {
    version: '0', id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa', 'detail-type': 'Scheduled Event' as const, source: 'aws.events',
    account: '123456789012', time: '2026-11-23T12:00:00Z', region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/edgeserve-warmup'], detail: {},
  };
  EventBridgeSchema.parse(event);
  return event;
}

interface LambdaResult {
  statusCode: number;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body?: string;
  isBase64Encoded?: boolean;
}

/** A fetch that goes through the handler in the given encoding. */
export function lambdaFetch(handler: LambdaHandler, encoding: Encoding) {
  return async (path: string, init?: RequestInit): Promise<Response> => {
    const result = (await handler(await httpEvent(encoding, path, init), CONTEXT)) as LambdaResult;
    const headers = new Headers(result.headers);
    for (const [k, vs] of Object.entries(result.multiValueHeaders ?? {})) for (const v of vs) headers.append(k, v);
    const body = result.body === undefined ? null : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
    return new Response(result.statusCode === 204 || result.statusCode === 304 ? null : body, { status: result.statusCode, headers });
  };
}
