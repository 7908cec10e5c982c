package io.sluice.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import java.io.IOException;

/**
 * Renders any protobuf message as JSON the way the protocol's HTTP clients read it (Triton's
 * {@code /config} and {@code /stats} JSON), driven by the message descriptors:
 * <ul>
 *   <li>field names are the proto (snake_case) names;
 *   <li>every integer, 64-bit ones included, is a JSON number ({@code uint32}/{@code uint64} unsigned), never a
 *       string as protobuf's canonical JSON mapping would print {@code int64};
 *   <li>enums by value name ({@code TYPE_FP32}), or by number for values the descriptor does not know;
 *   <li>maps as objects, repeated fields as arrays, bytes as base64 strings;
 *   <li>repeated, map and plain scalar fields are always printed, defaults included; fields with presence
 *       (sub-messages, oneof members, proto3 {@code optional}) only when set;
 *   <li>non-finite floats follow the generator's policy (this package quotes them, see package docs).
 * </ul>
 * Not on the inference hot path: it reflects over descriptors. Stateless and thread-safe.
 */
final class ProtoJson {
  private ProtoJson() {}

  /** Writes {@code message} as one JSON object. */
  static void write(JsonGenerator json, MessageOrBuilder message) throws IOException {
    json.writeStartObject();
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (field.isMapField()) {
        json.writeFieldName(field.getName());
        writeMap(json, field, message);
      } else if (field.isRepeated()) {
        json.writeFieldName(field.getName());
        json.writeStartArray();
        int count = message.getRepeatedFieldCount(field);
        for (int i = 0; i < count; i++) {
          writeValue(json, field, message.getRepeatedField(field, i));
        }
        json.writeEndArray();
      } else if (!field.hasPresence() || message.hasField(field)) {
        json.writeFieldName(field.getName());
        writeValue(json, field, message.getField(field));
      }
    }
    json.writeEndObject();
  }

  private static void writeMap(JsonGenerator json, FieldDescriptor field, MessageOrBuilder message)
      throws IOException {
    FieldDescriptor keyField = field.getMessageType().findFieldByNumber(1);
    FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
    json.writeStartObject();
    int count = message.getRepeatedFieldCount(field);
    for (int i = 0; i < count; i++) {
      Object entry = message.getRepeatedField(field, i);
      Object key;
      Object value;
      if (entry instanceof MapEntry<?, ?> mapEntry) {
        key = mapEntry.getKey();
        value = mapEntry.getValue();
      } else {
        Message generic = (Message) entry;
        key = generic.getField(keyField);
        value = generic.getField(valueField);
      }
      json.writeFieldName(mapKey(keyField, key));
      writeValue(json, valueField, value);
    }
    json.writeEndObject();
  }

  private static String mapKey(FieldDescriptor keyField, Object key) {
    switch (keyField.getType()) {
      case UINT32:
      case FIXED32:
        return Integer.toUnsignedString((Integer) key);
      case UINT64:
      case FIXED64:
        return Long.toUnsignedString((Long) key);
      default:
        return String.valueOf(key);
    }
  }

  private static void writeValue(JsonGenerator json, FieldDescriptor field, Object value) throws IOException {
    switch (field.getType()) {
      case INT32:
      case SINT32:
      case SFIXED32:
        json.writeNumber((Integer) value);
        break;
      case UINT32:
      case FIXED32:
        json.writeNumber(Integer.toUnsignedLong((Integer) value));
        break;
      case INT64:
      case SINT64:
      case SFIXED64:
        json.writeNumber((Long) value);
        break;
      case UINT64:
      case FIXED64:
        writeUnsigned(json, (Long) value);
        break;
      case FLOAT:
        json.writeNumber((Float) value);
        break;
      case DOUBLE:
        json.writeNumber((Double) value);
        break;
      case BOOL:
        json.writeBoolean((Boolean) value);
        break;
      case STRING:
        json.writeString((String) value);
        break;
      case BYTES:
        json.writeBinary(((ByteString) value).toByteArray());
        break;
      case ENUM:
        EnumValueDescriptor enumValue = (EnumValueDescriptor) value;
        if (enumValue.getIndex() < 0) {
          json.writeNumber(enumValue.getNumber());
        } else {
          json.writeString(enumValue.getName());
        }
        break;
      case MESSAGE:
      case GROUP:
        write(json, (MessageOrBuilder) value);
        break;
      default:
        throw new IllegalStateException("unhandled protobuf field type " + field.getType());
    }
  }

  /** A uint64 as a JSON number: values past {@link Long#MAX_VALUE} are written as their unsigned digits. */
  static void writeUnsigned(JsonGenerator json, long value) throws IOException {
    if (value >= 0) {
      json.writeNumber(value);
    } else {
      json.writeNumber(Long.toUnsignedString(value));
    }
  }
}
