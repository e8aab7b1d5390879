export type EchoRequests = {
  echo: { params: { text: string }; result: { text: string } };
  count: { params: { to: number }; result: { reached: number; cancelled: boolean }; progress: number };
  fail: { params: { message: string }; result: never };
  announce: { params: { text: string }; result: boolean };
  exit: { params: Record<string, never>; result: never };
};
export type EchoEvents = { note: { text: string } };
