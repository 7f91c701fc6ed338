package io.trireme.node.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads and writes {@code node.yaml}. Unknown keys, bad values and inconsistent settings are errors. */
public final class NodeConfigFile {
  private static final ObjectMapper MAPPER = mapper();

  private NodeConfigFile() {}

  /** Parses and validates {@code file}; a relative {@code dataDir} is taken relative to the file's directory. */
  public static NodeConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    return parse(text, file);
  }

  /** Parses and validates YAML text; {@code origin} names it in errors and anchors a relative {@code dataDir}. */
  public static NodeConfig parse(String text, Path origin) throws ConfigException {
    NodeConfig raw;
    try {
      raw = MAPPER.readValue(text, NodeConfig.class);
    } catch (JsonProcessingException e) {
      throw new ConfigException(origin + ": " + describe(e), e);
    }
    if (raw == null) throw new ConfigException(origin + ": empty file");
    Path base = origin.toAbsolutePath().getParent();
    NodeConfig config = raw.dataDir().isAbsolute() || base == null ? raw
        : raw.withDataDir(base.resolve(raw.dataDir()).normalize());
    try {
      config.storeConfig();
      config.vipConfig();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(origin + ": " + e.getMessage(), e);
    }
    return config;
  }

  public static String toYaml(NodeConfig config) {
    try {
      return MAPPER.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render node config", e);
    }
  }

  /** Writes {@code config} to {@code file} atomically (temp file + rename), readable by its owner only. */
  public static void write(Path file, NodeConfig config) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, toYaml(config));
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String describe(JsonProcessingException e) {
    String where = location(e.getLocation());
    if (e instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream().map(String::valueOf)
          .sorted().collect(Collectors.joining(", ", " (known keys: ", ")"));
      // no line number: with record creators Jackson reports the end of the enclosing mapping, not the key
      return "unknown key '" + u.getPropertyName() + "'" + inPath(u) + known;
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = root instanceof IllegalArgumentException || root instanceof NullPointerException
        ? root.getMessage() : e.getOriginalMessage();
    String path = e instanceof JsonMappingException m ? inPath(m) : "";
    return where + firstLine(message) + path;
  }

  private static String inPath(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      else if (r.getIndex() >= 0) sb.append('[').append(r.getIndex()).append(']');
    }
    return sb.length() == 0 ? "" : " at " + sb;
  }

  private static String location(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 1 ? "" : "line " + loc.getLineNr() + ": ";
  }

  private static String firstLine(String s) {
    if (s == null) return "invalid value";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static ObjectMapper mapper() {
    YAMLFactory yaml = YAMLFactory.builder()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
        .build();
    SimpleModule module = new SimpleModule("trireme-node-config");
    textual(module, HostPort.class, HostPort::parse, HostPort::toString);
    textual(module, Duration.class, Durations::parse, Durations::format);
    textual(module, Path.class, Path::of, Path::toString);
    return new ObjectMapper(yaml)
        .registerModule(module)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .setSerializationInclusion(JsonInclude.Include.NON_NULL);
  }

  private static <T> void textual(SimpleModule module, Class<T> type, Function<String, T> parse,
      Function<T, String> format) {
    module.addDeserializer(type, new JsonDeserializer<>() {
      @Override
      public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (!p.currentToken().isScalarValue()) {
          return type.cast(ctxt.handleUnexpectedToken(type, p));
        }
        String text = p.getValueAsString();
        try {
          return parse.apply(text);
        } catch (IllegalArgumentException e) {
          throw JsonMappingException.from(p, e.getMessage(), e);
        }
      }
    });
    module.addSerializer(type, new JsonSerializer<>() {
      @Override
      public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
        gen.writeString(format.apply(value));
      }
    });
  }
}
