"""The year's configuration is checked with every problem named."""

from __future__ import annotations

import pytest
from conftest import commune

from pipeline.config import load_config
from pipeline.errors import ConfigError


def test_sample_configuration_loads():
    from conftest import SAMPLE

    config = load_config(SAMPLE)
    assert config.year == 2023
    assert config.council.size == 7 and config.council.min_votes == 4
    assert config.periods["to_de_an_06"].exclusive_end
    p = config.proposer("to_cnscd", "giay_khen_huyen", "Vôi", "UBND thị trấn Vôi")
    assert p.agency == "UBND THỊ TRẤN VÔI"


def test_every_config_problem_listed(year):
    def edit(text: str) -> str:
        return (text.replace('"1.2" = 5', '"1.2" = -5').replace("deadline = 2023-09-20", 'deadline = "20/9/2023"')
                .replace('tie_break = []', 'tie_break = ["9"]').replace('signer = "Phạm Thị D"\n', 'signer = 5\n'))

    folder = year([commune("A")], config_edit=edit)
    with pytest.raises(ConfigError) as e:
        load_config(folder)
    assert e.value.details == [
        "config.toml, khóa 'weights.\"1.2\"': trọng số phải là số ≥ 0, không phải -5",
        "config.toml, khóa 'selection.tie_break': '9' không phải mã tiêu chí (1.1…3.3) hay nhóm (1, 2, 3)",
        "config.toml, khóa 'proposers.chuyen_doi_so.giay_khen_huyen.signer': phải là chuỗi ký tự, không phải 5",
        "config.toml, khóa 'dates.deadline': phải là ngày dạng 2023-09-20, không phải '20/9/2023'",
    ]


def test_toml_syntax_error(year):
    folder = year([commune("A")], config_edit=lambda t: t + "\n[[[\n")
    with pytest.raises(ConfigError, match="sai cú pháp TOML"):
        load_config(folder)
