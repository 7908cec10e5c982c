package io.sluice.gateway.drift;

/**
 * A minimal JSON writer for reports: fields in the order written, strings escaped, non-finite numbers as
 * {@code null}. Not thread-safe; one instance per document.
 */
final class JsonText {
  private final StringBuilder text = new StringBuilder(256);
  private boolean first = true;

  JsonText beginObject() {
    separate();
    text.append('{');
    first = true;
    return this;
  }

  JsonText endObject() {
    text.append('}');
    first = false;
    return this;
  }

  JsonText beginArray(String name) {
    name(name);
    text.append('[');
    first = true;
    return this;
  }

  JsonText endArray() {
    text.append(']');
    first = false;
    return this;
  }

  JsonText field(String name, String value) {
    name(name);
    string(value);
    first = false;
    return this;
  }

  JsonText field(String name, long value) {
    name(name);
    text.append(value);
    first = false;
    return this;
  }

  JsonText field(String name, double value) {
    name(name);
    if (Double.isFinite(value)) {
      text.append(value);
    } else {
      text.append("null");
    }
    first = false;
    return this;
  }

  JsonText field(String name, boolean value) {
    name(name);
    text.append(value);
    first = false;
    return this;
  }

  @Override
  public String toString() {
    return text.toString();
  }

  private void name(String name) {
    separate();
    string(name);
    text.append(':');
  }

  private void separate() {
    if (!first) {
      text.append(',');
    }
  }

  private void string(String value) {
    text.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"':
          text.append("\\\"");
          break;
        case '\\':
          text.append("\\\\");
          break;
        case '\n':
          text.append("\\n");
          break;
        case '\r':
          text.append("\\r");
          break;
        case '\t':
          text.append("\\t");
          break;
        default:
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            text.append("\\u");
            String hex = Integer.toHexString(c);
            for (int pad = hex.length(); pad < 4; pad++) {
              text.append('0');
            }
            text.append(hex);
          } else {
            text.append(c);
          }
      }
    }
    text.append('"');
  }
}
