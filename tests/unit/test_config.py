import pytest
from pydantic import ValidationError

from bot.config import DEFAULT_DATABASE_URL, ConfigError, load_settings

VARIABLES = (
    "DATABASE_URL",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "ADMIN_IDS",
    "DEFAULT_TIMEZONE",
    "DAY_START_HOUR",
    "PASS_SCORE",
    "LOG_LEVEL",
)
TOKEN = "123456:AAH-very-secret-token"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """Keep a developer's own settings out: only what a test sets is seen."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def config_error(**overrides):
    with pytest.raises(ConfigError) as caught:
        load_settings(overrides, env_file=None)
    return str(caught.value)


class TestDefaults:
    def test_every_setting_has_a_default(self):
        settings = load_settings(env_file=None)

        assert settings.database_url == DEFAULT_DATABASE_URL
        assert settings.telegram_bot_token is None
        assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
        assert settings.admin_ids == frozenset()
        assert settings.default_timezone == "UTC"
        assert settings.day_start_hour == 4
        assert settings.pass_score == 60
        assert settings.log_level == "INFO"

    def test_no_env_file_is_read_when_none_is_given(self, tmp_path, monkeypatch):
        (tmp_path / ".env").write_text("PASS_SCORE=99\n", encoding="utf-8")
        monkeypatch.chdir(tmp_path)

        assert load_settings(env_file=None).pass_score == 60

    def test_an_env_file_is_read_when_given(self, tmp_path):
        env_file = tmp_path / "custom.env"
        env_file.write_text("PASS_SCORE=70\nADMIN_IDS=5,6\n", encoding="utf-8")

        settings = load_settings(env_file=str(env_file))

        assert (settings.pass_score, settings.admin_ids) == (70, frozenset({5, 6}))

    def test_settings_are_frozen(self):
        with pytest.raises(ValidationError, match="frozen"):
            load_settings(env_file=None).pass_score = 10


class TestEnvironment:
    def test_values_come_from_environment_variables(self, monkeypatch):
        monkeypatch.setenv("DAY_START_HOUR", "6")
        monkeypatch.setenv("DEFAULT_TIMEZONE", "Asia/Shanghai")
        monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/drillbot")

        settings = load_settings(env_file=None)

        assert (settings.day_start_hour, settings.default_timezone) == (6, "Asia/Shanghai")
        assert settings.database_url.startswith("postgresql+asyncpg://")

    def test_overrides_win_over_the_environment(self, monkeypatch):
        monkeypatch.setenv("PASS_SCORE", "70")

        assert load_settings({"pass_score": 80}, env_file=None).pass_score == 80

    def test_env_file_values_give_way_to_the_environment(self, tmp_path, monkeypatch):
        env_file = tmp_path / ".env"
        env_file.write_text("PASS_SCORE=70\n", encoding="utf-8")
        monkeypatch.setenv("PASS_SCORE", "75")

        assert load_settings(env_file=str(env_file)).pass_score == 75

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("12345", {12345}),
            ("12345,67890", {12345, 67890}),
            (" 12345 , 67890 ,", {12345, 67890}),
            ("-100123,5", {-100123, 5}),
            ("", set()),
            (" , ", set()),
        ],
    )
    def test_admin_ids_are_comma_separated(self, monkeypatch, raw, expected):
        monkeypatch.setenv("ADMIN_IDS", raw)

        assert load_settings(env_file=None).admin_ids == frozenset(expected)

    def test_admin_ids_accept_a_collection_as_an_override(self):
        assert load_settings({"admin_ids": [1, 2]}, env_file=None).admin_ids == frozenset({1, 2})

    def test_the_log_level_is_case_insensitive(self, monkeypatch):
        monkeypatch.setenv("LOG_LEVEL", "debug")

        assert load_settings(env_file=None).log_level == "DEBUG"

    @pytest.mark.parametrize("token", ["", "   "])
    def test_an_empty_token_means_no_token(self, monkeypatch, token):
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)

        assert load_settings(env_file=None).telegram_bot_token is None

    def test_the_token_is_kept_secret(self, monkeypatch):
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)

        settings = load_settings(env_file=None)

        assert settings.telegram_bot_token.get_secret_value() == TOKEN
        assert TOKEN not in repr(settings)
        assert TOKEN not in str(settings)


class TestErrors:
    @pytest.mark.parametrize(
        ("variable", "value"),
        [
            ("DAY_START_HOUR", "24"),
            ("DAY_START_HOUR", "-1"),
            ("DAY_START_HOUR", "four"),
            ("PASS_SCORE", "101"),
            ("PASS_SCORE", "-5"),
            ("PASS_SCORE", "sixty"),
            ("DEFAULT_TIMEZONE", "Mars/Olympus"),
            ("DEFAULT_TIMEZONE", "Beijing"),
            ("DEFAULT_TIMEZONE", "../../etc/passwd"),
            ("DATABASE_URL", "mysql://localhost/drill"),
            ("DATABASE_URL", "sqlite:///data/drill.db"),
            ("ADMIN_IDS", "12345,abc"),
            ("ADMIN_IDS", "12345;67890"),
            ("ADMIN_IDS", "@admin"),
            ("LOG_LEVEL", "LOUD"),
            ("TELEGRAM_API_BASE_URL", "api.telegram.org/bot"),
        ],
    )
    def test_a_bad_value_names_its_variable_in_upper_case(self, monkeypatch, variable, value):
        monkeypatch.setenv(variable, value)

        with pytest.raises(ConfigError) as caught:
            load_settings(env_file=None)

        assert str(caught.value).startswith(f"{variable}: ")

    def test_a_bad_override_names_its_variable_in_upper_case(self):
        assert config_error(day_start_hour=30).startswith("DAY_START_HOUR: ")

    def test_the_error_explains_what_is_expected(self):
        assert "IANA" in config_error(default_timezone="Nowhere/Land")
        assert "sqlite+aiosqlite://" in config_error(database_url="mysql://x")
        assert "comma-separated" in config_error(admin_ids="x")

    def test_the_error_is_one_line(self):
        assert "\n" not in config_error(pass_score=500)

    @pytest.mark.parametrize(
        "overrides",
        [{"day_start_hour": 99}, {"pass_score": "x"}, {"admin_ids": "a,b"}, {"log_level": "verbose"}],
    )
    def test_the_token_never_appears_in_an_error(self, overrides):
        assert TOKEN not in config_error(telegram_bot_token=TOKEN, **overrides)

    def test_a_bad_token_type_does_not_echo_the_value(self):
        message = config_error(telegram_bot_token=["secret-in-a-list"])

        assert message.startswith("TELEGRAM_BOT_TOKEN: ")
        assert "secret-in-a-list" not in message

    def test_the_error_does_not_chain_the_validation_details(self):
        with pytest.raises(ConfigError) as caught:
            load_settings({"pass_score": 101}, env_file=None)

        assert caught.value.__cause__ is None
        assert caught.value.__suppress_context__

    def test_a_time_zone_folder_name_is_a_config_error(self):
        assert config_error(default_timezone="Asia").startswith("DEFAULT_TIMEZONE: ")
