import { useEffect } from 'react';
import { Alert, Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DepartmentView } from '@acs/shared/api/departments';
import type { PersonView } from '@acs/shared/api/people';
import type { PersonInput } from '../../api/people';
import { PERSON_KIND_LIST } from '../../format/codes';

interface PersonFormProps {
  open: boolean;
  person: PersonView | null;
  departments: readonly DepartmentView[];
  onCancel: () => void;
  onSubmit: (values: PersonInput) => Promise<boolean>;
}

export function PersonForm({ open, person, departments, onCancel, onSubmit }: PersonFormProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PersonInput>();
  const department = Form.useWatch('department', form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      person
        ? { name: person.name, kind: person.kind, department: person.department, email: person.email }
        : { kind: 'employee', department: null },
    );
  }, [open, person, form]);

  const submit = async () => {
    const v = await form.validateFields();
    const body: PersonInput = {
      name: v.name,
      kind: v.kind,
      department: v.department ?? null,
      email: v.email?.trim() ? v.email.trim() : null,
    };
    if (await onSubmit(body)) onCancel();
  };
  const moving = person !== null && (department ?? null) !== person.department;

  return (
    <Modal
      open={open}
      title={person ? t('peopleAdmin.editTitle') : t('peopleAdmin.createTitle')}
      okText={t('admin.save')}
      cancelText={t('admin.cancel')}
      onOk={submit}
      onCancel={onCancel}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'person-save' }}
    >
      <Form form={form} layout="vertical" data-testid="person-form">
        <Form.Item name="name" label={t('people.name')} rules={[{ required: true, whitespace: true, message: t('admin.required') }]}>
          <Input maxLength={200} data-testid="person-name" />
        </Form.Item>
        <Form.Item name="kind" label={t('people.kind')} rules={[{ required: true }]}>
          <Select data-testid="person-kind" options={PERSON_KIND_LIST.map((k) => ({ value: k, label: t(`personKind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="department" label={t('people.department')}>
          <Select
            data-testid="person-department"
            allowClear
            options={[
              { value: null as unknown as string, label: t('admin.none') },
              ...departments.map((d) => ({ value: d.name, label: d.name })),
            ]}
          />
        </Form.Item>
        {moving && <Alert type="warning" showIcon title={t('peopleAdmin.moveHint')} className="form-rule" data-testid="move-hint" />}
        <Form.Item name="email" label={t('people.email')} rules={[{ type: 'email' }]}>
          <Input maxLength={320} data-testid="person-email" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
