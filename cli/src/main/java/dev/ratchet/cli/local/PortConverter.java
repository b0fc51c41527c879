package dev.ratchet.cli.local;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code --port} as a TCP port, so that a port out of range is refused while the command line
 * is parsed, with the valid range, instead of failing with a stack trace when the metrics server
 * binds it. 0 (an ephemeral port) is refused too: the command prints the port it was given, and a
 * scraper needs to know it in advance.
 */
final class PortConverter implements ITypeConverter<Integer> {

  static final int MAX_PORT = 65535;

  @Override
  public Integer convert(String value) {
    int port;
    try {
      port = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > MAX_PORT) {
      throw new TypeConversionException(
          "'" + value + "' is not a port: pass a number from 1 to " + MAX_PORT);
    }
    return port;
  }
}
