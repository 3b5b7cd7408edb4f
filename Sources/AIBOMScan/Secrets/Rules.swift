import Foundation

/// A secret rule: the provider's documented token shape, confirmed by a regular expression
/// run only around spots a literal keyword found first.
public struct SecretRule: Sendable {
    public let id: String
    public let description: String
    /// Lowercase literals, one of which occurs in (or next to) every match; the prefilter.
    public let keywords: [String]
    /// The pattern; capture group `secretGroup` is the secret.
    public let pattern: String
    public let secretGroup: Int
    /// Minimum Shannon entropy (bits per character) of the secret, 0 for none.
    public let minEntropy: Double
    public let severity: Severity
    /// Keywords that are key names: a hit counts only when an assignment (`:` or `=`) follows
    /// the name, checked by hand before any expression runs.
    public let namedKeywords: Set<String>
    let regex: NSRegularExpression

    init(_ id: String, _ description: String, keywords: [String], named: Set<String> = [], pattern: String, group: Int = 0,
         entropy: Double = 0, severity: Severity = .high) {
        self.id = id
        self.description = description
        self.keywords = keywords
        self.namedKeywords = named
        self.pattern = pattern
        self.secretGroup = group
        self.minEntropy = entropy
        self.severity = severity
        self.regex = try! NSRegularExpression(pattern: pattern, options: [])
    }
}

/// The rule table, written from each provider's documented token format. Where the shape is
/// weak (hex or alphanumeric of some length), the rule requires the key name beside it.
public enum SecretRules {
    /// `(name)(sep)(value)`: a named assignment in code, JSON, YAML, .env or TOML.
    static func named(_ name: String, _ value: String) -> String {
        #"(?i)\b[a-z0-9_.-]*\#(name)[a-z0-9_.-]*["']?\s*(?:[:=]|:=|=>)\s*["']?(\#(value))(?![A-Za-z0-9_\-+/=])"#
    }

    public static let all: [SecretRule] = [
        SecretRule("openai-api-key", "OpenAI API key", keywords: ["sk-"],
                   pattern: #"\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{58,})"#,
                   group: 1, severity: .critical),
        SecretRule("anthropic-api-key", "Anthropic API key", keywords: ["sk-ant-"],
                   pattern: #"\b(sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{80,120})"#, group: 1, severity: .critical),
        SecretRule("huggingface-token", "Hugging Face access token", keywords: ["hf_", "api_org_"],
                   pattern: #"\b((?:hf_|api_org_)[A-Za-z]{34})\b"#, group: 1, entropy: 3.0, severity: .critical),
        SecretRule("google-api-key", "Google API key", keywords: ["aiza"],
                   pattern: #"\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])"#, group: 1, severity: .high),
        SecretRule("gcp-service-account", "Google Cloud service-account key (JSON)", keywords: ["private_key_id"],
                   pattern: #""private_key_id"\s*:\s*"([a-f0-9]{40})""#, group: 1, severity: .critical),
        SecretRule("aws-access-key-id", "AWS access key id", keywords: ["akia", "asia", "abia", "acca"],
                   pattern: #"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b"#, group: 1, entropy: 3.0, severity: .high),
        SecretRule("aws-secret-access-key", "AWS secret access key", keywords: ["secret_access_key", "secretaccesskey", "aws_secret", "secret-access-key"],
                   named: ["secret_access_key", "secretaccesskey", "aws_secret", "secret-access-key"],
                   pattern: named("(?:secret_?access_?key|aws_?secret|secret-access-key)", "[A-Za-z0-9/+]{40}"), group: 1,
                   entropy: 4.0, severity: .critical),
        SecretRule("azure-storage-connection-string", "Azure storage connection string", keywords: ["accountkey="],
                   pattern: #"AccountName=[^;\s"']+;\s*AccountKey=([A-Za-z0-9+/]{86}==)"#, group: 1, severity: .critical),
        SecretRule("azure-key", "Azure (OpenAI, Cognitive Services) key", keywords: ["azure"], named: ["azure"],
                   pattern: named("azure[a-z0-9_.-]*(?:key|secret)", "[a-f0-9]{32}|[A-Za-z0-9]{84}"), group: 1, entropy: 3.0,
                   severity: .high),
        SecretRule("github-token", "GitHub token (classic)", keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
                   pattern: #"\b(gh[pousr]_[A-Za-z0-9]{36})\b"#, group: 1, entropy: 3.0, severity: .critical),
        SecretRule("github-fine-grained-token", "GitHub fine-grained personal access token", keywords: ["github_pat_"],
                   pattern: #"\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b"#, group: 1, severity: .critical),
        SecretRule("gitlab-token", "GitLab personal access token", keywords: ["glpat-"],
                   pattern: #"\b(glpat-[A-Za-z0-9_-]{20,})\b"#, group: 1, entropy: 3.0, severity: .critical),
        SecretRule("slack-token", "Slack token", keywords: ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-"],
                   pattern: #"\b(xox[bpares](?:\.[a-z0-9]+)?-[0-9A-Za-z-]{10,})"#, group: 1, entropy: 3.0, severity: .high),
        SecretRule("slack-webhook", "Slack incoming webhook", keywords: ["hooks.slack.com"],
                   pattern: #"(https://hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]{6,}/[A-Z0-9]{6,}/[A-Za-z0-9]{20,})"#,
                   group: 1, severity: .high),
        SecretRule("stripe-secret-key", "Stripe live secret or restricted key", keywords: ["sk_live_", "rk_live_"],
                   pattern: #"\b((?:sk|rk)_live_[A-Za-z0-9]{24,99})\b"#, group: 1, severity: .critical),
        SecretRule("replicate-token", "Replicate API token", keywords: ["r8_"],
                   pattern: #"\b(r8_[A-Za-z0-9]{37})\b"#, group: 1, entropy: 3.0, severity: .high),
        SecretRule("groq-api-key", "Groq API key", keywords: ["gsk_"],
                   pattern: #"\b(gsk_[A-Za-z0-9]{52})\b"#, group: 1, entropy: 3.0, severity: .high),
        SecretRule("cohere-api-key", "Cohere API key", keywords: ["cohere", "co_api_key"], named: ["cohere", "co_api_key"],
                   pattern: named("(?:cohere|co_api_key)", "[A-Za-z0-9]{40}"), group: 1, entropy: 3.5, severity: .high),
        SecretRule("mistral-api-key", "Mistral API key", keywords: ["mistral"], named: ["mistral"],
                   pattern: named("mistral", "[A-Za-z0-9]{32}"), group: 1, entropy: 3.5, severity: .high),
        SecretRule("together-api-key", "Together AI API key", keywords: ["together", "tgp_v1_"], named: ["together"],
                   pattern: #"(?:\b(tgp_v1_[A-Za-z0-9_-]{40,})|(?i)together[a-z0-9_.-]*["']?\s*[:=]\s*["']?([a-f0-9]{64})\b)"#,
                   group: -1, entropy: 3.0, severity: .high),
        SecretRule("pinecone-api-key", "Pinecone API key", keywords: ["pcsk_", "pinecone"], named: ["pinecone"],
                   pattern: #"(?:\b(pcsk_[A-Za-z0-9_]{50,})|(?i)pinecone[a-z0-9_.-]*["']?\s*[:=]\s*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))"#,
                   group: -1, entropy: 3.0, severity: .high),
        SecretRule("wandb-api-key", "Weights & Biases API key", keywords: ["wandb", "api.wandb.ai"], named: ["wandb"],
                   pattern: #"(?i)(?:wandb[a-z0-9_.-]*["']?\s*[:=]\s*["']?|api\.wandb\.ai\s+login\s+\S+\s+password\s+)([a-f0-9]{40}|[a-z0-9_-]{86})\b"#,
                   group: 1, entropy: 3.0, severity: .high),
        SecretRule("databricks-token", "Databricks personal access token", keywords: ["dapi"],
                   pattern: #"\b(dapi[a-f0-9]{32}(?:-\d)?)\b"#, group: 1, entropy: 3.0, severity: .high),
        SecretRule("npm-token", "npm access token", keywords: ["npm_"],
                   pattern: #"\b(npm_[A-Za-z0-9]{36})\b"#, group: 1, entropy: 3.0, severity: .high),
        SecretRule("pypi-token", "PyPI upload token", keywords: ["pypi-ageichlwas5vcmc"],
                   pattern: #"\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})"#, group: 1, severity: .critical),
        SecretRule("sendgrid-api-key", "SendGrid API key", keywords: ["sg."],
                   pattern: #"\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})\b"#, group: 1, severity: .high),
        SecretRule("twilio-api-key", "Twilio API key or auth token", keywords: ["twilio"], named: ["twilio"],
                   pattern: #"(?i)twilio[a-z0-9_.-]*(?:key|token|secret|sid)["']?\s*[:=]\s*["']?((?-i:SK)[0-9a-fA-F]{32}|[a-f0-9]{32})\b"#,
                   group: 1, entropy: 3.0, severity: .high),
        SecretRule("discord-bot-token", "Discord bot token", keywords: ["discord"], named: ["discord"],
                   pattern: #"(?i)discord[a-z0-9_.-]*["']?\s*[:=]\s*["']?((?-i:[MNO][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,38}))"#,
                   group: 1, entropy: 3.0, severity: .high),
        SecretRule("discord-webhook", "Discord webhook", keywords: ["discord.com/api/webhooks", "discordapp.com/api/webhooks"],
                   pattern: #"(https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{60,})"#, group: 1,
                   severity: .high),
        SecretRule("telegram-bot-token", "Telegram bot token", keywords: [":aa"],
                   pattern: #"\b(\d{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])"#, group: 1, severity: .high),
        SecretRule("jwt", "JSON Web Token", keywords: ["eyj"],
                   pattern: #"\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})"#, group: 1, severity: .medium),
        SecretRule("private-key", "Private key (RSA, EC, DSA, OpenSSH, PKCS#8, PGP)", keywords: ["private key"],
                   pattern: #"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,64})"#,
                   group: 1, severity: .critical),
        SecretRule("database-url", "Database URL with a password",
                   keywords: ["postgres://", "postgresql://", "mysql://", "mariadb://", "mongodb://", "mongodb+srv://", "redis://",
                              "rediss://", "amqp://", "amqps://", "mssql://", "sqlserver://"],
                   pattern: #"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver)://[^:/\s"'@]*:([^@\s"'/]{3,})@[^\s"'/]+"#,
                   group: 1, severity: .high),
        SecretRule("generic-secret", "Generic secret assignment (key, token, secret, password)",
                   keywords: ["key", "token", "secret", "passw", "pwd"], named: ["key", "token", "secret", "passw", "pwd"],
                   pattern: #"(?i)\b[a-z0-9_.-]*(?:api[_-]?key|apikey|secret|token|passwd|password|pwd|auth[_-]?key|access[_-]?key|private[_-]?key)[a-z0-9_]*["']?\s*(?:[:=]|:=|=>)\s*["']?([^\s"'`,;(){}\[\]<>]{12,100})["'`]?"#,
                   group: 1, entropy: 3.5, severity: .medium),
    ]
}
