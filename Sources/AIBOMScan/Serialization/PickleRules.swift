import AIBOMFormats

/// Classifies the globals a pickle imports: an allowlist of what real checkpoints need, a
/// denylist of what runs code, and everything else unknown (high), so new bypasses are caught
/// by default.
public enum PickleRules {
    public enum Verdict: String, Sendable { case safe, dangerous, unknown }

    /// Exact globals a PyTorch state dict, a NumPy array or a scikit-learn model needs:
    /// - PyTorch: tensor and parameter rebuild functions, typed storages, dtypes and devices
    ///   (`torch._utils._rebuild_tensor_v2`, `torch.FloatStorage`, `torch.Size`, ...);
    /// - NumPy: `numpy.core.multiarray._reconstruct` (and `numpy._core`), `numpy.ndarray`,
    ///   `numpy.dtype`, `numpy.core.multiarray.scalar`;
    /// - Python containers: `collections.OrderedDict`, `collections.defaultdict`, builtins that
    ///   only build values (`set`, `frozenset`, `slice`, `range`, `complex`, `bytearray`);
    /// - `copyreg._reconstructor` (object reconstruction; its class is itself checked) and
    ///   `_codecs.encode` (how protocol 2 stores bytes).
    public static let safeExact: Set<String> = [
        "collections.OrderedDict", "collections.defaultdict", "collections.Counter", "collections.deque",
        "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state", "torch._utils._rebuild_qtensor",
        "torch._utils._rebuild_sparse_tensor", "torch._utils._rebuild_nested_tensor", "torch._utils._rebuild_device_tensor_from_numpy",
        "torch._utils._rebuild_meta_tensor_no_storage", "torch._utils._rebuild_wrapper_subclass",
        "torch._tensor._rebuild_from_type_v2", "torch.nn.parameter.Parameter", "torch.Size", "torch.device",
        "torch.storage.UntypedStorage", "torch.storage.TypedStorage", "torch.serialization._get_layout",
        "torch._utils._rebuild_xla_tensor", "torch.per_tensor_affine", "torch.strided",
        "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype",
        "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar", "numpy.random._pickle.__randomstate_ctor",
        "numpy.ma.core._mareconstruct",
        "builtins.set", "builtins.frozenset", "builtins.slice", "builtins.range", "builtins.complex", "builtins.bytearray",
        "builtins.object", "builtins.list", "builtins.dict", "builtins.tuple", "builtins.int", "builtins.float",
        "builtins.bool", "builtins.str", "builtins.bytes",
        "__builtin__.set", "__builtin__.frozenset", "__builtin__.slice", "__builtin__.complex", "__builtin__.object",
        "copyreg._reconstructor", "copy_reg._reconstructor", "_codecs.encode", "datetime.datetime", "datetime.date",
        "datetime.timedelta", "datetime.timezone", "decimal.Decimal", "fractions.Fraction", "uuid.UUID",
        "pathlib.PosixPath", "pathlib.WindowsPath",
    ]
    /// Storage and dtype names under `torch.` (e.g. `torch.FloatStorage`, `torch.bfloat16`).
    static let torchStorageSuffix = "Storage"
    static let torchDtypes: Set<String> = ["float16", "float32", "float64", "bfloat16", "half", "float", "double", "int8",
                                           "int16", "int32", "int64", "uint8", "bool", "complex64", "complex128",
                                           "float8_e4m3fn", "float8_e5m2", "long", "int", "short", "uint16", "uint32", "uint64"]
    /// Module prefixes whose classes are data containers of known libraries.
    public static let safePrefixes = ["sklearn.", "numpy.dtypes.", "scipy.sparse._"]

    /// Globals that run code, read or write files, open sockets or load more pickles.
    public static let dangerousModules: Set<String> = [
        "os", "posix", "nt", "subprocess", "runpy", "importlib", "pty", "socket", "shutil", "webbrowser", "code", "pdb",
        "bdb", "ctypes", "marshal", "pickle", "_pickle", "cPickle", "dill", "sys", "commands", "popen2", "multiprocessing",
        "threading", "_thread", "asyncio.subprocess", "signal", "platform", "tempfile", "glob", "requests", "urllib",
        "urllib.request", "http.client", "httplib", "ftplib", "smtplib", "telnetlib", "imp", "zipimport", "pydoc",
        "timeit", "cProfile", "profile", "trace", "inspect", "gc", "ssl", "torch.hub", "torch._dynamo",
    ]
    public static let dangerousExact: Set<String> = [
        "builtins.eval", "builtins.exec", "builtins.compile", "builtins.open", "builtins.getattr", "builtins.setattr",
        "builtins.delattr", "builtins.__import__", "builtins.globals", "builtins.locals", "builtins.vars",
        "builtins.input", "builtins.breakpoint", "builtins.execfile", "builtins.apply", "builtins.memoryview",
        "__builtin__.eval", "__builtin__.exec", "__builtin__.compile", "__builtin__.open", "__builtin__.getattr",
        "__builtin__.__import__", "__builtin__.execfile", "__builtin__.apply", "__builtin__.file",
        "torch.load", "torch.storage._load_from_bytes", "torch.serialization.load", "torch.serialization._load",
        "torch.jit.load", "torch._C._jit_compile", "numpy.load", "numpy.lib.npyio.load", "joblib.load",
        "operator.attrgetter", "operator.methodcaller", "functools.partial", "functools.reduce",
        "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell", "asyncio.unix_events._UnixSubprocessTransport",
        "types.CodeType", "types.FunctionType", "types.LambdaType", "copyreg.extension#", "numpy.testing._private.utils.runstring",
        "keras.src.layers.core.lambda_layer.Lambda", "torch.utils.cpp_extension.load_inline",
    ]

    /// The verdict for one global.
    public static func classify(_ g: PickleAnalysis.Global) -> Verdict {
        let q = g.qualified
        if dangerousExact.contains(q) || g.module == "copyreg" && g.name.hasPrefix("extension#") { return .dangerous }
        let top = g.module.split(separator: ".").first.map(String.init) ?? g.module
        if dangerousModules.contains(g.module) || dangerousModules.contains(top) { return .dangerous }
        if g.module == "?" { return .unknown }
        if safeExact.contains(q) { return .safe }
        if g.module == "torch" && (g.name.hasSuffix(torchStorageSuffix) || torchDtypes.contains(g.name)) { return .safe }
        if safePrefixes.contains(where: { q.hasPrefix($0) }) { return .safe }
        return .unknown
    }
}
