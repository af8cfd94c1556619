// Every benchmark server prints the same line once it listens, with its port.
module.exports = function ready(server) {
  const address = server.address();
  process.stdout.write(`ready ${typeof address === 'object' && address ? address.port : ''}\n`);
};
